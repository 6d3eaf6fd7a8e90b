import { uuidv7 } from "@crm/kit";
import { EventMeta, eventsV1 } from "@crm/proto";
import { TIMELINE_SOURCES } from "../src/events/timeline-sources";
import type { TimelineFact } from "../src/domain/timeline";

// Each producer's events as its proto encodes them, read by its timeline source. A new source
// gets a describe block here: the facts its events tell (kind, summary, links, time).

const at = new Date("2026-05-04T03:02:01Z");
const meta = () => EventMeta.fromPartial({ eventId: uuidv7(), tenantId: "t1", occurTime: at, actor: "user-1" });

/** The fact a source makes of an event published on `subject`, encoded with its message type. */
function factOf<M>(subject: string, message: { encode(m: M): { finish(): Uint8Array }; fromPartial(m: never): M }, fields: object): TimelineFact | undefined {
  const event = TIMELINE_SOURCES.flatMap((source) => source.events).find((e) => e.subject === subject);
  if (!event) throw new Error(`no timeline source reads ${subject}`);
  return event.read(message.encode(message.fromPartial({ ...fields, meta: meta() } as never)).finish()).fact;
}

describe("timeline sources", () => {
  it("read each subject in one source only, so that one durable consumer stores each event", () => {
    const subjects = TIMELINE_SOURCES.flatMap((source) => source.events.map((event) => event.subject));
    expect(new Set(subjects).size).toBe(subjects.length);
    for (const source of TIMELINE_SOURCES) expect(source.events.every((event) => event.subject.startsWith(`crm.${source.service}.`))).toBe(true);
  });

  it("refuse an event without its meta (it is retried, then parked)", () => {
    const event = TIMELINE_SOURCES[0]!.events[0]!;
    expect(() => event.read(new Uint8Array())).toThrow("event without its meta");
  });

  describe("contacts", () => {
    it("shows a contact created on its timeline and its organisations'", () => {
      expect(factOf("crm.contacts.contact.created", eventsV1.ContactCreated, { contactId: "c1", displayName: "Ada Lovelace", organizationIds: ["o1"] })).toEqual({
        kind: "contact.created",
        occurredAt: at,
        summary: "Contact created: Ada Lovelace",
        links: [{ type: "contact", id: "c1" }, { type: "organization", id: "o1" }],
        about: { type: "contact", id: "c1" },
      });
    });

    it("shows a merge and its undo on both contacts' timelines", () => {
      expect(factOf("crm.contacts.contact.merged", eventsV1.ContactMerged, { survivorId: "s", mergedId: "m", mergeId: "x" })).toMatchObject({
        kind: "contact.merged",
        links: [{ type: "contact", id: "s" }, { type: "contact", id: "m" }],
      });
      expect(factOf("crm.contacts.contact.merge_undone", eventsV1.ContactMergeUndone, { survivorId: "s", restoredId: "m", mergeId: "x" })).toMatchObject({
        kind: "contact.merge_undone",
        about: { type: "contact", id: "m" },
      });
    });

    it("shows an organisation created", () => {
      expect(factOf("crm.contacts.organization.created", eventsV1.OrganizationChanged, { organizationId: "o1", name: "Acme" })).toMatchObject({
        kind: "organization.created",
        summary: "Organisation created: Acme",
        links: [{ type: "organization", id: "o1" }],
      });
    });
  });

  describe("interactions", () => {
    it("keeps one entry per interaction, at the time it happened, versioned", () => {
      const happened = new Date("2026-05-01T10:00:00Z");
      const fields = { interactionId: "i1", kind: "call", contactIds: ["c1"], organizationId: "o1", dealId: "d1", occurTime: happened, summary: "Outbound call", version: 3 };
      expect(factOf("crm.interactions.interaction.updated", eventsV1.InteractionUpdated, fields)).toEqual({
        kind: "call",
        occurredAt: happened,
        summary: "Outbound call",
        links: [{ type: "contact", id: "c1" }, { type: "organization", id: "o1" }, { type: "deal", id: "d1" }],
        about: { type: "interaction", id: "i1" },
        record: { id: "i1", version: 3 },
      });
      expect(factOf("crm.interactions.interaction.deleted", eventsV1.InteractionDeleted, { interactionId: "i1", version: 4 })).toMatchObject({ links: [], record: { id: "i1", version: 4, removed: true } });
    });

    it("shows a task completed on the timelines of what it follows up", () => {
      expect(factOf("crm.interactions.task.completed", eventsV1.TaskChanged, { taskId: "t1", title: "Call back", links: [{ type: "deal", id: "d1" }] })).toMatchObject({
        kind: "task.completed",
        occurredAt: at,
        summary: "Task completed: Call back",
        links: [{ type: "deal", id: "d1" }],
      });
    });
  });

  describe("consent", () => {
    it("shows a consent granted or withdrawn on the contact's timeline, at the time it was given", () => {
      const given = new Date("2026-05-01T10:00:00Z");
      expect(
        factOf("crm.consent.consent.changed", eventsV1.ConsentChanged, { subjectId: "c1", purposeId: "p1", channel: "email", status: "withdrawn", source: "unsubscribe_link", changeTime: given }),
      ).toEqual({
        kind: "consent.changed",
        occurredAt: given,
        summary: "Consent withdrawn for e-mail (purpose p1, via unsubscribe link)",
        links: [{ type: "contact", id: "c1" }],
        about: { type: "contact", id: "c1" },
      });
      expect(factOf("crm.consent.consent.changed", eventsV1.ConsentChanged, { subjectId: "c1", purposeId: "p1", channel: "sms", status: "granted", source: "form" })).toMatchObject({
        occurredAt: at,
        summary: "Consent granted for SMS (purpose p1, via form)",
      });
    });
  });

  describe("support-tickets", () => {
    it("shows a ticket opened and resolved on its requester's and organisation's timelines", () => {
      expect(factOf("crm.support-tickets.ticket.opened", eventsV1.TicketOpened, { ticketId: "t1", subject: "Printer on fire", requesterId: "c1", organizationId: "o1", priority: "urgent" })).toEqual({
        kind: "ticket.opened",
        occurredAt: at,
        summary: "Ticket opened: Printer on fire (urgent priority)",
        links: [{ type: "contact", id: "c1" }, { type: "organization", id: "o1" }],
        about: { type: "ticket", id: "t1" },
      });
      expect(factOf("crm.support-tickets.ticket.opened", eventsV1.TicketOpened, { ticketId: "t1", subject: "Question", requesterId: "c1", priority: "normal" })).toMatchObject({
        summary: "Ticket opened: Question",
        links: [{ type: "contact", id: "c1" }],
      });
      expect(factOf("crm.support-tickets.ticket.resolved", eventsV1.TicketResolved, { ticketId: "t1", subject: "Printer on fire", requesterId: "c1" })).toEqual({
        kind: "ticket.resolved",
        occurredAt: at,
        summary: "Ticket resolved: Printer on fire",
        links: [{ type: "contact", id: "c1" }],
        about: { type: "ticket", id: "t1" },
      });
    });

    it("shows the requester's satisfaction rating", () => {
      expect(factOf("crm.support-tickets.feedback.received", eventsV1.FeedbackReceived, { ticketId: "t1", requesterId: "c1", rating: 4 })).toMatchObject({
        kind: "feedback.received",
        summary: "Rated the support 4/5",
        links: [{ type: "contact", id: "c1" }],
      });
    });
  });
});
