import { uuidv7 } from "@crm/kit";
import { openTicket, withSla } from "../src/domain/lifecycle";
import { prepareSlaPolicy } from "../src/domain/sla-policy";
import { prepareNewTicket } from "../src/domain/ticket";
import { SlaRecalculation } from "../src/store/sla-recalculation";
import { startTestService, tenant, type TestService } from "./support";

// The recalculation's bounded batches against the real FerretDB, driven by hand: the service's
// own scheduler sleeps (it would run the same steps).
let harness: TestService;

beforeAll(async () => {
  harness = await startTestService("recalculation", { env: { SLA_POLL_MS: "3600000", SLA_LEASE_MS: "10800000" } });
});
afterAll(async () => {
  await harness?.stop();
});

describe("SLA recalculation", () => {
  it("walks the open tickets in batches, resumes after an interruption, and starts again when the settings change meanwhile", async () => {
    const { deps, models } = harness.service;
    const t = tenant("batches");
    const actor = { tenantId: t.tenantId, subject: t.subject };
    const policy = await deps.policies.create(actor, prepareSlaPolicy({ name: "Slow", targets: { normal: { resolutionMinutes: 600 } } }), "");
    const settings = await deps.settings.of(t.tenantId);
    const now = new Date();
    const fields = prepareNewTicket({ subject: "Batch", description: "", channel: "", priority: "", category: "", status: "", assigneeId: "", team: "", tags: [], organizationId: "", organizationTier: "", dealId: "", productId: "", requester: { contactId: "c", email: "", phone: "", name: "" } }).fields;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const ticket = withSla(openTicket({ id: uuidv7(), tenantId: t.tenantId, actor: t.subject, now }, fields, { requesterId: "c", requesterName: "", requesterEmail: "", requesterPhone: "" }), settings, now);
      await deps.tickets.createMany([ticket]);
      ids.push(ticket.id);
    }
    // The request of the policy's creation is answered first.
    const stores = { tickets: deps.tickets, policies: deps.policies, calendars: deps.calendars, settings: deps.settings, progress: models.recalculation };
    while (await new SlaRecalculation(stores, 2).step());
    const dueOf = async () => Promise.all(ids.map(async (id) => (await deps.tickets.get(t.tenantId, id)).sla.clocks[0]!.dueAt!.getTime() - now.getTime()));
    expect(await dueOf()).toEqual(Array(5).fill(600 * 100));

    await deps.policies.update(actor, policy, prepareSlaPolicy({ name: "Faster", targets: { normal: { resolutionMinutes: 300 } } }));
    // One batch of two, then the worker stops (a restart): the next one resumes after them.
    expect(await new SlaRecalculation(stores, 2).step()).toBe(true);
    const progress = await models.recalculation.findOne({ _id: t.tenantId, tenantId: t.tenantId }).lean();
    expect(progress).toMatchObject({ cursor: ids[1] });
    expect(await dueOf()).toEqual([300 * 100, 300 * 100, 600 * 100, 600 * 100, 600 * 100]);

    // Changed again meanwhile: the pass starts over, so the first two get the newest targets too.
    const current = await deps.policies.get(t.tenantId, policy.id);
    await deps.policies.update(actor, current, prepareSlaPolicy({ name: "Fastest", targets: { normal: { resolutionMinutes: 100 } } }));
    const resumed = new SlaRecalculation(stores, 2);
    let steps = 0;
    while (await resumed.step()) steps++;
    expect(steps).toBe(3);
    expect(await dueOf()).toEqual(Array(5).fill(100 * 100));
    expect(await models.recalculation.findOne({ _id: t.tenantId, tenantId: t.tenantId }).lean()).toBeNull();
    expect(await deps.policies.pendingRecalculation()).toBeUndefined();
  });
});
