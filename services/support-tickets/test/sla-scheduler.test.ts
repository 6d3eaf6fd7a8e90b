import { eventsV1 } from "@crm/proto";
import { EventWatcher } from "@crm/testing";
import { call, policyInput, startContacts, startTestService, tenant, ticketInput, waitFor, type TestService } from "./support";

// SLA alerts and escalations with two replicas of the service on one database, each asking for
// the scheduler's lease every 100 ms, under the short test clock: a target minute lasts 100 ms.
let first: TestService;
let second: TestService;
let contacts: Awaited<ReturnType<typeof startContacts>>;
let published: EventWatcher;

beforeAll(async () => {
  contacts = await startContacts();
  first = await startTestService("sla", { contactsAddress: contacts.address });
  second = await startTestService("sla", { replicaOf: first.database, contactsAddress: contacts.address });
  published = await EventWatcher.start("crm.support-tickets.ticket.>");
}, 60_000);
afterAll(async () => {
  await published?.stop();
  await second?.stop();
  await first?.stop();
  await contacts?.process.stop();
});

const alertsOf = (ticketId: string) =>
  published
    .seen((e) => (e.subject.endsWith(".sla_warning") || e.subject.endsWith(".sla_breached")) && eventsV1.TicketSlaAlert.decode(e.payload).ticketId === ticketId)
    .map((e) => ({ ...eventsV1.TicketSlaAlert.decode(e.payload), kind: e.subject.split(".").at(-1) }));

describe("SLA scheduler", () => {
  it("announces a warning and a breach once each with two replicas, and escalates once", async () => {
    const t = tenant("breach");
    // First response in 20 test minutes (2 s), warning at 50% (1 s); on breach: raise priority, move to tier-2, tell the lead.
    await call(harness(), t, "createSlaPolicy", {
      policy: policyInput({
        targets: { normal: { firstResponseMinutes: 20, nextUpdateMinutes: 0, resolutionMinutes: 600 }, high: { firstResponseMinutes: 10, nextUpdateMinutes: 0, resolutionMinutes: 300 } },
        warnAtPercent: 50,
        escalations: [{ on: "breach", metrics: ["first_response"], raisePriority: true, assigneeId: "", team: "tier-2", notify: ["lead-1"] }],
      }),
      requestId: "",
    });
    const { ticket } = await call(second, t, "createTicket", { ticket: ticketInput(), requestId: "" });
    expect(ticket?.sla?.clocks.map((clock) => [clock.metric, clock.status, clock.targetMinutes])).toEqual([
      ["first_response", "on_track", 20],
      ["resolution", "on_track", 600],
    ]);
    const created = ticket!.createTime!.getTime();
    await waitFor(async () => (alertsOf(ticket!.id).length >= 2 ? true : undefined), 15_000);
    // Time for a second announcement, had either replica made one.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const alerts = alertsOf(ticket!.id);
    expect(alerts.map((alert) => `${alert.kind}:${alert.metric}`)).toEqual(["sla_warning:first_response", "sla_breached:first_response"]);
    const [warning, breach] = alerts;
    expect(warning!.meta!.occurTime!.getTime() - created).toBeGreaterThanOrEqual(1_000);
    expect(breach!.meta!.occurTime!.getTime() - created).toBeGreaterThanOrEqual(2_000);
    expect(breach!.escalation).toEqual({ priorityFrom: "normal", priorityTo: "high", assigneeId: "", team: "tier-2", notify: ["lead-1"] });

    const escalated = (await call(first, t, "getTicket", { id: ticket!.id })).ticket!;
    expect(escalated).toMatchObject({ priority: "high", team: "tier-2", etag: 'W/"3"' });
    // Now high: its 10-minute first response ran out long ago, and was announced once already.
    expect(escalated.sla).toMatchObject({ breached: true, state: "breached" });
    expect(escalated.sla?.clocks.map((clock) => [clock.metric, clock.targetMinutes])).toEqual([["first_response", 10], ["resolution", 300]]);
    const { entries } = await call(first, t, "listTicketHistory", { ticketId: ticket!.id });
    expect(entries.map((entry) => entry.kind)).toEqual(["created", "sla_warning", "sla_breached"]);
    // Counted for SREs on /metrics (both replicas of this process share one meter).
    const metrics = await (await fetch(`http://127.0.0.1:${first.service.ports.opsPort}/metrics`)).text();
    expect(metrics).toMatch(/sla_alerts_announced_total\{[^}]*kind="breach"[^}]*metric="first_response"[^}]*\} [1-9]/);
  });

  it("pauses while pending the customer and announces nothing then", async () => {
    const t = tenant("paused");
    await call(first, t, "createSlaPolicy", { policy: policyInput({ targets: { normal: { firstResponseMinutes: 0, nextUpdateMinutes: 0, resolutionMinutes: 15 } } }), requestId: "" });
    const { ticket } = await call(first, t, "createTicket", { ticket: ticketInput({ status: "open" }), requestId: "" });
    const paused = (await call(first, t, "updateTicket", { id: ticket!.id, ticket: ticketInput({ status: "pending_customer" }), updateMask: ["status"], etag: "" })).ticket!;
    expect(paused.sla?.clocks[0]).toMatchObject({ metric: "resolution", status: "paused", dueTime: undefined });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(alertsOf(ticket!.id)).toEqual([]);
    const resumed = (await call(first, t, "updateTicket", { id: ticket!.id, ticket: ticketInput({ status: "open" }), updateMask: ["status"], etag: "" })).ticket!;
    // 15 test minutes = 1.5 s in all, a little of it used before the pause: due within 1.5 s of resuming.
    const due = resumed.sla!.clocks[0]!.dueTime!.getTime();
    expect(due - resumed.updateTime!.getTime()).toBeLessThanOrEqual(1_500);
    expect(due - resumed.updateTime!.getTime()).toBeGreaterThan(500);
  });

  it("recalculates the open tickets' deadlines when the policy changes, and leaves resolved ones alone", async () => {
    const t = tenant("recalc");
    const { policy } = await call(first, t, "createSlaPolicy", { policy: policyInput({ targets: { normal: { firstResponseMinutes: 0, nextUpdateMinutes: 0, resolutionMinutes: 6000 } } }), requestId: "" });
    const open = (await call(first, t, "createTicket", { ticket: ticketInput(), requestId: "" })).ticket!;
    const done = (await call(first, t, "createTicket", { ticket: ticketInput(), requestId: "" })).ticket!;
    const resolved = (await call(first, t, "updateTicket", { id: done.id, ticket: ticketInput({ status: "resolved" }), updateMask: ["status"], etag: "" })).ticket!;
    const before = open.sla!.clocks[0]!.dueTime!.getTime();
    expect(before - open.createTime!.getTime()).toBe(600_000);

    await call(first, t, "updateSlaPolicy", { id: policy!.id, policy: policyInput({ targets: { normal: { firstResponseMinutes: 0, nextUpdateMinutes: 0, resolutionMinutes: 3000 } } }), updateMask: ["targets"], etag: policy!.etag });
    const recalculated = await waitFor(async () => {
      const { ticket } = await call(second, t, "getTicket", { id: open.id });
      return ticket!.sla!.clocks[0]!.dueTime!.getTime() !== before ? ticket : undefined;
    });
    expect(recalculated!.sla!.clocks[0]!.dueTime!.getTime() - open.createTime!.getTime()).toBe(300_000);
    expect(recalculated!.etag).toBe(open.etag);
    expect((await call(first, t, "getTicket", { id: done.id })).ticket!.sla).toEqual(resolved.sla);
  });

  // Last: it stops both replicas' schedulers.
  it("announces a breach that fell due while no replica ran, once one starts again", async () => {
    const t = tenant("restart");
    await call(first, t, "createSlaPolicy", { policy: policyInput({ targets: { normal: { firstResponseMinutes: 10, nextUpdateMinutes: 0, resolutionMinutes: 0 } }, warnAtPercent: 99 }), requestId: "" });
    const { ticket } = await call(first, t, "createTicket", { ticket: ticketInput(), requestId: "" });
    await Promise.all([first.service.runtime.stopBackgroundWork(), second.service.runtime.stopBackgroundWork()]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(alertsOf(ticket!.id)).toEqual([]);
    const third = await startTestService("sla", { replicaOf: first.database, contactsAddress: contacts.address });
    try {
      await waitFor(async () => (alertsOf(ticket!.id).length > 0 ? true : undefined), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      // The warning's time passed unannounced together with the breach: the breach alone is announced.
      expect(alertsOf(ticket!.id).map((alert) => `${alert.kind}:${alert.metric}`)).toEqual(["sla_breached:first_response"]);
    } finally {
      await third.stop();
    }
  });
});

const harness = () => first;
