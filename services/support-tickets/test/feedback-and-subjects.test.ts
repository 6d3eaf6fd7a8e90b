import { credentials, status as Status } from "@grpc/grpc-js";
import { callUnary, createLogger, ERASURE_REQUESTED, EventBus, uuidv7 } from "@crm/kit";
import { contactsV1, eventsV1, subjectDataV1 } from "@crm/proto";
import { EventWatcher, testInfra } from "@crm/testing";
import { as, call, grpcError, startContacts, startTestService, tenant, ticketInput, waitFor, type TestService } from "./support";

// CSAT, support metrics, contact merges and erasure, against the real contacts service.
let harness: TestService;
let contacts: Awaited<ReturnType<typeof startContacts>>;
let contactsClient: contactsV1.ContactsServiceClient;
let published: EventWatcher;

beforeAll(async () => {
  contacts = await startContacts();
  contactsClient = new contactsV1.ContactsServiceClient(contacts.address, credentials.createInsecure());
  harness = await startTestService("feedback", { contactsAddress: contacts.address });
  published = await EventWatcher.start("crm.support-tickets.>");
}, 60_000);
afterAll(async () => {
  await published?.stop();
  await harness?.stop();
  contactsClient?.close();
  await contacts?.process.stop();
});

async function resolvedTicket(t: ReturnType<typeof tenant>, fields: Parameters<typeof ticketInput>[0] = {}) {
  const { ticket } = await call(harness, t, "createTicket", { ticket: ticketInput(fields), requestId: "" });
  return (await call(harness, t, "updateTicket", { id: ticket!.id, ticket: ticketInput({ status: "resolved" }), updateMask: ["status"], etag: "" })).ticket!;
}

describe("feedback", () => {
  it("takes one CSAT per resolved ticket from an agent, and refuses a second or an open ticket", async () => {
    const t = tenant("csat");
    const open = (await call(harness, t, "createTicket", { ticket: ticketInput(), requestId: "" })).ticket!;
    expect((await grpcError(call(harness, t, "submitFeedback", { ticketId: open.id, rating: 5, comment: "", linkToken: "" }))).code).toBe(Status.FAILED_PRECONDITION);
    const ticket = await resolvedTicket(t, { assigneeId: "agent-1", team: "billing" });
    const { feedback } = await call(harness, t, "submitFeedback", { ticketId: ticket.id, rating: 4, comment: "Quick and kind", linkToken: "" });
    expect(feedback).toMatchObject({ rating: 4, comment: "Quick and kind", assigneeId: "agent-1", team: "billing", via: "agent" });
    const again = await grpcError(call(harness, t, "submitFeedback", { ticketId: ticket.id, rating: 1, comment: "", linkToken: "" }));
    expect(again.code).toBe(Status.ALREADY_EXISTS);
    expect((await grpcError(call(harness, t, "submitFeedback", { ticketId: open.id, rating: 9, comment: "", linkToken: "" }))).code).toBe(Status.INVALID_ARGUMENT);
    const received = await published.next((e) => e.subject === "crm.support-tickets.feedback.received" && eventsV1.FeedbackReceived.decode(e.payload).ticketId === ticket.id);
    expect(eventsV1.FeedbackReceived.decode(received.payload)).toMatchObject({ rating: 4, assigneeId: "agent-1", team: "billing", requesterId: ticket.requesterId });
  });

  it("takes CSAT through a signed one-time link: once, for its own tenant and ticket only", async () => {
    const t = tenant("link");
    const ticket = await resolvedTicket(t, { assigneeId: "agent-2" });
    const { token, expireTime } = await call(harness, t, "createFeedbackLink", { ticketId: ticket.id });
    expect(expireTime!.getTime()).toBeGreaterThan(Date.now() + 13 * 24 * 3600_000);
    // The holder of a link calls with the link's identity only: no user, no roles.
    const holder = { subject: "feedback-link", tenantId: t.tenantId, roles: [], scopes: [] };
    const { feedback } = await call(harness, holder, "submitFeedback", { ticketId: "", rating: 2, comment: "Slow", linkToken: token });
    expect(feedback).toMatchObject({ ticketId: ticket.id, rating: 2, via: "link", submittedBy: `contact:${ticket.requesterId}` });
    expect((await grpcError(call(harness, holder, "submitFeedback", { ticketId: "", rating: 5, comment: "", linkToken: token }))).code).toBe(Status.ALREADY_EXISTS);
    const tampered = `${token.slice(0, -2)}xx`;
    expect((await grpcError(call(harness, holder, "submitFeedback", { ticketId: "", rating: 5, comment: "", linkToken: tampered }))).code).toBe(Status.PERMISSION_DENIED);
    const elsewhere = { ...holder, tenantId: tenant("elsewhere").tenantId };
    expect((await grpcError(call(harness, elsewhere, "submitFeedback", { ticketId: "", rating: 5, comment: "", linkToken: token }))).code).toBe(Status.PERMISSION_DENIED);
    const other = await resolvedTicket(t);
    expect((await grpcError(call(harness, holder, "submitFeedback", { ticketId: other.id, rating: 5, comment: "", linkToken: "" }))).code).toBe(Status.PERMISSION_DENIED);
  });
});

describe("support metrics", () => {
  it("reports timings, backlog, breach and reopen rates and CSAT per agent, team and period", async () => {
    const t = tenant("metrics");
    const from = new Date(Date.now() - 60_000);
    const a = await resolvedTicket(t, { assigneeId: "agent-a", team: "one" });
    const b = await resolvedTicket(t, { assigneeId: "agent-b", team: "one" });
    await call(harness, t, "addComment", { ticketId: b.id, body: "Not fixed", public: true, fromRequester: true, requestId: "" });
    await call(harness, t, "updateTicket", { id: b.id, ticket: ticketInput({ status: "resolved" }), updateMask: ["status"], etag: "" });
    await call(harness, t, "createTicket", { ticket: ticketInput({ priority: "urgent" }), requestId: "" });
    const replied = (await call(harness, t, "createTicket", { ticket: ticketInput(), requestId: "" })).ticket!;
    await call(harness, t, "addComment", { ticketId: replied.id, body: "Looking", public: true, fromRequester: false, requestId: "" });
    await call(harness, t, "submitFeedback", { ticketId: a.id, rating: 5, comment: "", linkToken: "" });
    await call(harness, t, "submitFeedback", { ticketId: b.id, rating: 2, comment: "", linkToken: "" });

    const metrics = await call(harness, t, "getSupportMetrics", { from, to: new Date(Date.now() + 60_000), period: "day" });
    expect(metrics).toMatchObject({ created: "4", resolved: "2", reopened: "1", reopenRate: 0.5, withSla: "0", breachRate: 0 });
    expect(metrics.firstResponse?.count).toBe("1");
    expect(Number(metrics.resolution?.averageCalendarMs)).toBeGreaterThan(0);
    expect(metrics.backlog).toEqual([
      { status: "new", priority: "urgent", count: "1" },
      { status: "open", priority: "normal", count: "1" },
    ]);
    expect(metrics.csat).toEqual({ key: "", count: "2", average: 3.5 });
    expect(metrics.csatByAgent).toEqual([{ key: "agent-a", count: "1", average: 5 }, { key: "agent-b", count: "1", average: 2 }]);
    expect(metrics.csatByTeam).toEqual([{ key: "one", count: "2", average: 3.5 }]);
    expect(metrics.csatByPeriod).toEqual([{ key: new Date().toISOString().slice(0, 10), count: "2", average: 3.5 }]);
    expect((await grpcError(call(harness, t, "getSupportMetrics", { from: new Date(), to: from, period: "year" }))).code).toBe(Status.INVALID_ARGUMENT);
  });
});

describe("contacts' merges and erasure", () => {
  const createContact = async (t: ReturnType<typeof tenant>, email: string, name: string) =>
    (await callUnary(contactsClient.createContact.bind(contactsClient), { contact: contactsV1.ContactInput.fromPartial({ displayName: name, emails: [{ address: email }] }), requestId: "", allowDuplicates: true }, await as(t))).contact!;

  it("moves a merged contact's tickets to the survivor, and back when the merge is undone", async () => {
    const t = tenant("merges");
    const survivor = await createContact(t, "grace@example.com", "Grace Hopper");
    const duplicate = await createContact(t, "g.hopper@example.com", "G. Hopper");
    const { ticket } = await call(harness, t, "createTicket", { ticket: ticketInput({ requester: { contactId: duplicate.id, email: "", phone: "", name: "" } }), requestId: "" });
    expect(ticket).toMatchObject({ requesterId: duplicate.id, requesterName: "G. Hopper" });
    const { mergeId } = await callUnary(contactsClient.mergeContacts.bind(contactsClient), contactsV1.MergeContactsRequest.fromPartial({ survivorId: survivor.id, mergedId: duplicate.id }), await as(t));
    await waitFor(async () => ((await call(harness, t, "getTicket", { id: ticket!.id })).ticket!.requesterId === survivor.id ? true : undefined));
    await callUnary(contactsClient.undoContactMerge.bind(contactsClient), { mergeId }, await as(t));
    await waitFor(async () => ((await call(harness, t, "getTicket", { id: ticket!.id })).ticket!.requesterId === duplicate.id ? true : undefined));
  });

  it("anonymises the subject's tickets on an erasure request, keeps their timing, and confirms with counts", async () => {
    const t = tenant("erasure");
    const opened = (await call(harness, t, "createTicket", { ticket: ticketInput({ subject: "Ada Lovelace cannot log in", description: "Write to ada@example.com" }), requestId: "" })).ticket!;
    await call(harness, t, "addComment", { ticketId: opened.id, body: "Please call me back", public: true, fromRequester: true, requestId: "" });
    const ticket = (await call(harness, t, "updateTicket", { id: opened.id, ticket: ticketInput({ status: "resolved" }), updateMask: ["status"], etag: "" })).ticket!;
    const other = (await call(harness, t, "createTicket", { ticket: ticketInput({ subject: "Question", description: "Ada Lovelace said hi", requester: { contactId: "", email: "bob@example.com", phone: "", name: "Bob" } }), requestId: "" })).ticket!;
    await call(harness, t, "submitFeedback", { ticketId: ticket.id, rating: 5, comment: "Ada was happy", linkToken: "" });

    const consent = await EventBus.connect(testInfra().natsUrl, "consent-test", createLogger("consent-test", "silent"));
    const requestId = uuidv7();
    const request = eventsV1.SubjectErasureRequested.fromPartial({ meta: { tenantId: t.tenantId }, requestId, contactId: ticket.requesterId, emails: ["ada@example.com"], deployment: harness.deployment });
    await consent.publish({ subject: ERASURE_REQUESTED.subject, type: "crm.events.v1.SubjectErasureRequested", tenantId: t.tenantId, eventId: uuidv7(), payload: eventsV1.SubjectErasureRequested.encode(request).finish() });
    await consent.close();
    const confirmed = await published.next((e) => e.subject === "crm.support-tickets.subject.erasure_completed" && eventsV1.SubjectErasureCompleted.decode(e.payload).requestId === requestId, 15_000);
    expect(eventsV1.SubjectErasureCompleted.decode(confirmed.payload)).toMatchObject({ service: "support-tickets", erased: "0", anonymised: "2" });

    const erased = (await call(harness, t, "getTicket", { id: ticket.id })).ticket!;
    expect(erased).toMatchObject({ requesterId: "", requesterName: "", subject: "[erased] cannot log in", description: "Write to [erased]", status: "resolved", createTime: ticket.createTime, resolveTime: ticket.resolveTime });
    expect((await call(harness, t, "listComments", { ticketId: ticket.id, publicOnly: false })).comments.map((c) => c.body)).toEqual(["[erased]"]);
    expect((await call(harness, t, "getFeedback", { ticketId: ticket.id })).feedback).toMatchObject({ rating: 5, comment: "" });
    expect((await call(harness, t, "getTicket", { id: other.id })).ticket).toMatchObject({ description: "[erased] said hi", requesterName: "Bob" });
  });

  it("anonymises the tickets of a contact record the contacts service erased", async () => {
    const t = tenant("contact-erased");
    const { ticket } = await call(harness, t, "createTicket", { ticket: ticketInput({ subject: "Invoice", requester: { contactId: "", email: "frank@example.com", phone: "", name: "Frank Example" } }), requestId: "" });
    const contactsBus = await EventBus.connect(testInfra().natsUrl, "contacts-test", createLogger("contacts-test", "silent"));
    const erased = eventsV1.ContactErased.fromPartial({ meta: { eventId: uuidv7(), tenantId: t.tenantId, occurTime: new Date() }, contactId: ticket!.requesterId, requestId: uuidv7() });
    await contactsBus.publish({ subject: "crm.contacts.contact.erased", type: "crm.events.v1.ContactErased", tenantId: t.tenantId, eventId: erased.meta!.eventId, payload: eventsV1.ContactErased.encode(erased).finish() });
    await contactsBus.close();
    const anonymised = await waitFor(async () => {
      const { ticket: now } = await call(harness, t, "getTicket", { id: ticket!.id });
      return now!.requesterId === "" ? now : undefined;
    });
    expect(anonymised).toMatchObject({ requesterName: "", subject: "Invoice", status: "new" });
  });

  it("exports the subject's tickets as they see them: no internal notes", async () => {
    const t = tenant("export");
    const { ticket } = await call(harness, t, "createTicket", { ticket: ticketInput({ subject: "Refund", requester: { contactId: "", email: "erin@example.com", phone: "", name: "Erin Example" } }), requestId: "" });
    await call(harness, t, "addComment", { ticketId: ticket!.id, body: "Refund sent", public: true, fromRequester: false, requestId: "" });
    await call(harness, t, "addComment", { ticketId: ticket!.id, body: "Erin is a difficult customer", public: false, fromRequester: false, requestId: "" });
    const participant = new subjectDataV1.SubjectDataServiceClient(harness.address, credentials.createInsecure());
    try {
      const service = { subject: "service:consent", tenantId: t.tenantId, roles: ["service"], scopes: [] };
      const part = await callUnary(participant.exportSubjectData.bind(participant), { requestId: uuidv7(), contactId: ticket!.requesterId, emails: [], phones: [] }, await as(service));
      expect(part).toMatchObject({ service: "support-tickets", records: "1" });
      const data = JSON.parse(part.dataJson);
      expect(data.tickets).toMatchObject([{ id: ticket!.id, subject: "Refund", requester: { name: "Erin Example", email: "erin@example.com" }, messages: [{ fromYou: false, body: "Refund sent" }] }]);
      expect(part.dataJson).not.toContain("difficult");
    } finally {
      participant.close();
    }
  });
});
