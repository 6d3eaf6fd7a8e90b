import { signTestToken, startPlatform, uniqueName, waitFor, type RunningPlatform } from "@crm/testing";
import { gatewayCalls, type Body } from "./gateway-calls";

// The support-tickets API with the real contacts service beside it (requesters) and interactions
// (the requester's timeline), over HTTP.
let platform: RunningPlatform;
let token: string;

beforeAll(async () => {
  platform = await startPlatform({ services: ["contacts", "support-tickets", "interactions"] });
  token = await signTestToken({ tenant: uniqueName("tickets_e2e") });
}, 60_000);
afterAll(async () => {
  await platform?.stop();
});

const call = gatewayCalls(() => ({ url: platform.gatewayUrl, token }));
const anonymous = gatewayCalls(() => ({ url: platform.gatewayUrl, token: "" }));

describe("gateway /v1/tickets, /v1/sla-policies, /v1/calendars, /v1/support/metrics", () => {
  it("runs a ticket under a business-hours policy: create, workflow, comments, history, CSAT by link, metrics, customer 360", async () => {
    const calendar = await call("POST", "/v1/calendars", {
      name: "Warsaw office", timeZone: "Europe/Warsaw", spans: [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "17:00" })), holidays: ["2026-12-25"],
    });
    expect(calendar.status).toBe(201);
    expect((await call("POST", "/v1/calendars", { name: "Nowhere", timeZone: "Mars/Olympus", spans: [{ day: 1, start: "09:00", end: "17:00" }] })).json.errors).toEqual([
      { field: "calendar.timeZone", message: '"Mars/Olympus" is not an IANA time zone (e.g. Europe/Warsaw)' },
    ]);
    const policy = await call("POST", "/v1/sla-policies", {
      name: "Standard", calendarId: calendar.json.id, targets: { normal: { firstResponseMinutes: 240, resolutionMinutes: 960 }, urgent: { firstResponseMinutes: 60, resolutionMinutes: 240 } },
      escalations: [{ on: "breach", raisePriority: true, notify: ["lead"] }],
    });
    expect(policy.status).toBe(201);
    expect(policy.json).toMatchObject({ name: "Standard", warnAtPercent: 80, pauseStatuses: ["pending_customer", "on_hold"], calendarId: calendar.json.id });

    const created = await call("POST", "/v1/tickets", { subject: "Cannot log in", channel: "email", requester: { email: "grace@example.com", name: "Grace Hopper" } }, { "idempotency-key": "ticket-1" });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`/v1/tickets/${created.json.id}`);
    expect(created.json).toMatchObject({ subject: "Cannot log in", status: "new", priority: "normal", requesterName: "Grace Hopper", sla: { policyId: policy.json.id, calendarId: calendar.json.id } });
    expect(created.json.sla.clocks.map((clock: Body) => [clock.metric, clock.targetMinutes])).toEqual([["first_response", 240], ["resolution", 960]]);
    const contact = await call("GET", `/v1/contacts/${created.json.requesterId}`);
    expect(contact.json.emails[0].address).toBe("grace@example.com");

    const ticketUrl = `/v1/tickets/${created.json.id}`;
    expect((await call("PATCH", ticketUrl, { status: "reopened" }, { "if-match": created.headers.get("etag")! })).status).toBe(412);
    const urgent = await call("PATCH", ticketUrl, { priority: "urgent", assigneeId: "agent-7" }, { "if-match": created.headers.get("etag")! });
    expect(urgent.status).toBe(200);
    expect(urgent.json.sla.clocks.map((clock: Body) => clock.targetMinutes)).toEqual([60, 240]);
    expect((await call("PATCH", ticketUrl, { priority: "low" }, { "if-match": created.headers.get("etag")! })).status).toBe(412);

    const reply = await call("POST", `${ticketUrl}/comments`, { body: "Reset your password here" });
    expect(reply.status).toBe(201);
    expect(reply.json.ticket).toMatchObject({ status: "open" });
    expect(reply.json.ticket.firstResponseAt).toBe(reply.json.comment.createdAt);
    await call("POST", `${ticketUrl}/comments`, { body: "Second time this month", public: false });
    expect((await call("GET", `${ticketUrl}/comments?public=true`)).json.data.map((c: Body) => c.body)).toEqual(["Reset your password here"]);

    const view = await call("GET", `/v1/customers/${created.json.requesterId}/360`);
    expect(view.json.sections.tickets).toMatchObject({ status: "ok", data: [{ id: created.json.id, status: "open", priority: "urgent", sla: { policyId: policy.json.id } }] });

    const current = await call("GET", ticketUrl);
    const resolved = await call("PATCH", ticketUrl, { status: "resolved" }, { "if-match": current.headers.get("etag")! });
    expect(resolved.json.status).toBe("resolved");
    const history = await call("GET", `${ticketUrl}/history`);
    expect(history.json.data.map((entry: Body) => entry.kind)).toEqual(["created", "changed", "commented", "commented", "changed"]);

    const link = await call("POST", `${ticketUrl}/feedback-link`);
    expect(link.status).toBe(201);
    const rated = await anonymous("POST", `/v1/public/feedback/${link.json.token}`, { rating: 5, comment: "Thanks!" }, { authorization: "" });
    expect(rated.status).toBe(201);
    expect(rated.json).toMatchObject({ ticketId: created.json.id, rating: 5, comment: "Thanks!" });
    expect((await anonymous("POST", `/v1/public/feedback/${link.json.token}`, { rating: 1 }, { authorization: "" })).status).toBe(409);
    expect((await anonymous("POST", `/v1/public/feedback/${link.json.token.slice(0, -3)}abc`, { rating: 1 }, { authorization: "" })).status).toBe(403);
    expect((await call("GET", `${ticketUrl}/feedback`)).json).toMatchObject({ rating: 5, via: "link", assigneeId: "agent-7" });

    const metrics = await call("GET", `/v1/support/metrics?from=${encodeURIComponent(new Date(Date.now() - 3600_000).toISOString())}&period=day`);
    expect(metrics.status).toBe(200);
    expect(metrics.json).toMatchObject({ created: 1, resolved: 1, withSla: 1, firstResponse: { count: 1 }, csat: { count: 1, average: 5 }, csatByAgent: [{ key: "agent-7", count: 1, average: 5 }] });

    const timeline = await waitFor(async () => {
      const { data } = (await call("GET", `/v1/contacts/${created.json.requesterId}/timeline`)).json;
      return data?.length >= 4 ? (data as Body[]) : undefined;
    }, 20_000);
    // Newest first: the ticket's facts, and before them the contact made for its requester.
    expect(timeline.map((entry) => [entry.kind, entry.summary])).toEqual([
      ["feedback.received", "Rated the support 5/5"],
      ["ticket.resolved", "Ticket resolved: Cannot log in"],
      ["ticket.opened", "Ticket opened: Cannot log in"],
      ["contact.created", "Contact created: Grace Hopper"],
    ]);

    const queue = await call("GET", `/v1/tickets?filter=${encodeURIComponent("open[eq]:true")}&orderBy=priorityRank[desc]`);
    expect(queue.json.data).toEqual([]);
    expect((await call("GET", "/v1/tickets?orderBy=subject")).status).toBe(400);
  });
});
