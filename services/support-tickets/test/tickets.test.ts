import { credentials, status as Status } from "@grpc/grpc-js";
import { callUnary, fieldViolationsOf } from "@crm/kit";
import { commonV1, contactsV1, eventsV1 } from "@crm/proto";
import { EventWatcher } from "@crm/testing";
import { as, call, grpcError, startContacts, startTestService, tenant, ticketInput, type TestService } from "./support";

// The whole service in this process against the real FerretDB, NATS and Redis, and the real
// contacts service (a process) for requesters; its events seen on NATS.
let harness: TestService;
let contacts: Awaited<ReturnType<typeof startContacts>>;
let contactsClient: contactsV1.ContactsServiceClient;
let published: EventWatcher;

beforeAll(async () => {
  contacts = await startContacts();
  contactsClient = new contactsV1.ContactsServiceClient(contacts.address, credentials.createInsecure());
  harness = await startTestService("tickets", { contactsAddress: contacts.address });
  published = await EventWatcher.start("crm.support-tickets.>");
}, 60_000);
afterAll(async () => {
  await published?.stop();
  await harness?.stop();
  contactsClient?.close();
  await contacts?.process.stop();
});

const eventOf = <T>(subject: string, decode: (payload: Uint8Array) => T & { ticketId: string }, ticketId: string) =>
  published.next((e) => e.subject === subject && decode(e.payload).ticketId === ticketId).then((e) => ({ ...e, decoded: decode(e.payload) }));

describe("tickets", () => {
  it("opens a ticket for an unknown e-mail by creating the contact, matches it the next time, and announces ticket.opened", async () => {
    const t = tenant("requesters");
    const { ticket } = await call(harness, t, "createTicket", { ticket: ticketInput({ priority: "high", category: "hardware", tags: ["Printer", "printer"] }), requestId: "" });
    expect(ticket).toMatchObject({ subject: "Printer on fire", status: "new", priority: "high", channel: "email", tags: ["printer"], requesterName: "Ada Lovelace", etag: 'W/"1"' });
    const { contact } = await callUnary(contactsClient.getContact.bind(contactsClient), { id: ticket!.requesterId }, await as(t));
    expect(contact?.emails[0]?.address).toBe("ada@example.com");

    const again = await call(harness, t, "createTicket", { ticket: ticketInput({ subject: "Still on fire", requester: { contactId: "", email: "ADA@example.com", phone: "", name: "" } }), requestId: "" });
    expect(again.ticket?.requesterId).toBe(ticket!.requesterId);

    const opened = await eventOf("crm.support-tickets.ticket.opened", eventsV1.TicketOpened.decode, ticket!.id);
    expect(opened.decoded).toMatchObject({ subject: "Printer on fire", requesterId: ticket!.requesterId, priority: "high", channel: "email", category: "hardware" });
    expect(opened.headers).toMatchObject({ "Crm-Tenant": t.tenantId, "Crm-Event-Type": "crm.events.v1.TicketOpened" });
  });

  it("answers a create repeated with its request id with the first ticket, and refuses bad input naming every field", async () => {
    const t = tenant("retries");
    const first = await call(harness, t, "createTicket", { ticket: ticketInput(), requestId: "retry-1" });
    expect((await call(harness, t, "createTicket", { ticket: ticketInput(), requestId: "retry-1" })).ticket?.id).toBe(first.ticket?.id);
    const invalid = await grpcError(call(harness, t, "createTicket", { ticket: ticketInput({ subject: "", channel: "fax", requester: { contactId: "", email: "not-an-email", phone: "", name: "" } }), requestId: "" }));
    expect(invalid.code).toBe(Status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(invalid).map((v) => v.field)).toEqual(["ticket.subject", "ticket.channel", "ticket.requester.email"]);
    const unknown = await grpcError(call(harness, t, "createTicket", { ticket: ticketInput({ requester: { contactId: "0190a0b0-0000-7000-8000-000000000000", email: "", phone: "", name: "" } }), requestId: "" }));
    expect(fieldViolationsOf(unknown)).toEqual([{ field: "ticket.requester.contactId", description: "is not a contact of this tenant" }]);
    expect((await grpcError(call(harness, tenant("other"), "getTicket", { id: first.ticket!.id }))).code).toBe(Status.NOT_FOUND);
  });

  it("moves through the workflow, refuses what it does not allow, keeps the history, and announces status changes", async () => {
    const t = tenant("workflow");
    const { ticket } = await call(harness, t, "createTicket", { ticket: ticketInput(), requestId: "" });
    const update = (status: string, etag: string) => call(harness, t, "updateTicket", { id: ticket!.id, ticket: ticketInput({ status }), updateMask: ["status"], etag });

    const reopened = await grpcError(update("reopened", 'W/"1"'));
    expect(reopened.code).toBe(Status.FAILED_PRECONDITION);
    expect(reopened.details).toBe("a new ticket cannot become reopened; it can become open, pending_customer, on_hold, resolved, closed");
    const opened = (await update("open", 'W/"1"')).ticket!;
    expect((await grpcError(update("resolved", 'W/"1"'))).details).toMatch(/changed since it was read/);
    const resolved = (await update("resolved", opened.etag)).ticket!;
    expect(resolved).toMatchObject({ status: "resolved", etag: 'W/"3"' });
    expect(resolved.resolveTime).toBeInstanceOf(Date);
    expect((await grpcError(update("open", resolved.etag))).code).toBe(Status.FAILED_PRECONDITION);

    const resolvedEvent = await eventOf("crm.support-tickets.ticket.resolved", eventsV1.TicketResolved.decode, ticket!.id);
    expect(resolvedEvent.decoded).toMatchObject({ subject: "Printer on fire", requesterId: ticket!.requesterId });
    const changed = published.seen((e) => e.subject === "crm.support-tickets.ticket.status_changed" && eventsV1.TicketStatusChanged.decode(e.payload).ticketId === ticket!.id);
    expect(changed.map((e) => eventsV1.TicketStatusChanged.decode(e.payload)).map((e) => `${e.fromStatus}>${e.toStatus}`)).toEqual(["new>open", "open>resolved"]);

    const { entries } = await call(harness, t, "listTicketHistory", { ticketId: ticket!.id });
    expect(entries.map((entry) => [entry.kind, entry.changes.map((c) => `${c.field}:${c.from}>${c.to}`).join()])).toEqual([
      ["created", ""],
      ["changed", "status:new>open"],
      ["changed", "status:open>resolved"],
    ]);
  });

  it("takes public replies and internal notes: the first reply is the first response, a customer's message reopens a resolved ticket", async () => {
    const t = tenant("comments");
    const { ticket } = await call(harness, t, "createTicket", { ticket: ticketInput(), requestId: "" });
    const comment = (body: string, fields: { public?: boolean; fromRequester?: boolean; requestId?: string } = {}) =>
      call(harness, t, "addComment", { ticketId: ticket!.id, body, public: false, fromRequester: false, requestId: "", ...fields });
    await comment("Customer sounds upset");
    const reply = await comment("We are on it", { public: true, requestId: "reply-1" });
    expect(reply.ticket).toMatchObject({ status: "open" });
    expect(reply.ticket?.firstResponseTime).toBeInstanceOf(Date);
    expect((await comment("We are on it", { public: true, requestId: "reply-1" })).comment?.id).toBe(reply.comment?.id);
    const resolved = await call(harness, t, "updateTicket", { id: ticket!.id, ticket: ticketInput({ status: "resolved" }), updateMask: ["status"], etag: "" });
    expect(resolved.ticket?.status).toBe("resolved");
    const back = await comment("It is on fire again", { fromRequester: true });
    expect(back.ticket).toMatchObject({ status: "reopened", reopenCount: 1 });

    const all = await call(harness, t, "listComments", { ticketId: ticket!.id, publicOnly: false });
    expect(all.comments.map((c) => [c.body, c.public, c.fromRequester])).toEqual([
      ["Customer sounds upset", false, false],
      ["We are on it", true, false],
      ["It is on fire again", true, true],
    ]);
    expect((await call(harness, t, "listComments", { ticketId: ticket!.id, publicOnly: true })).comments).toHaveLength(2);
    const replied = await eventOf("crm.support-tickets.ticket.replied", eventsV1.TicketReplied.decode, ticket!.id);
    expect(replied.decoded).toMatchObject({ public: false, fromRequester: false, authorId: t.subject });
    expect((await grpcError(comment("   "))).code).toBe(Status.INVALID_ARGUMENT);
  });

  it("lists the queue: open tickets by priority, with filters and cursors", async () => {
    const t = tenant("queue");
    for (const [subject, priority] of [["Low one", "low"], ["Urgent one", "urgent"], ["Normal one", "normal"], ["High one", "high"]] as const) {
      await call(harness, t, "createTicket", { ticket: ticketInput({ subject, priority }), requestId: "" });
    }
    const done = (await call(harness, t, "createTicket", { ticket: ticketInput({ subject: "Done one", priority: "urgent" }), requestId: "" })).ticket!;
    await call(harness, t, "updateTicket", { id: done.id, ticket: ticketInput({ status: "resolved" }), updateMask: ["status"], etag: "" });
    const open = { node: { $case: "condition" as const, condition: { field: "open", comparator: commonV1.Comparator.COMPARATOR_EQ, values: ["true"] } } };
    const byPriority = [{ field: "priorityRank", descending: true }];
    const first = await call(harness, t, "listTickets", { filter: open, orderBy: byPriority, page: commonV1.PageRequest.fromPartial({ pageSize: 3 }) });
    expect(first.tickets.map((ticket) => ticket.subject)).toEqual(["Urgent one", "High one", "Normal one"]);
    const next = await call(harness, t, "listTickets", { filter: open, orderBy: byPriority, page: commonV1.PageRequest.fromPartial({ pageSize: 3, pageToken: first.pageInfo!.endCursor }) });
    expect(next.tickets.map((ticket) => ticket.subject)).toEqual(["Low one"]);
    expect((await grpcError(call(harness, t, "listTickets", { orderBy: [{ field: "subject", descending: false }] }))).code).toBe(Status.INVALID_ARGUMENT);
  });
});
