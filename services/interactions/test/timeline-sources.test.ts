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
  describe("sales-pipeline", () => {
    const amount = { currencyCode: "EUR", amountMinor: "123456" };

    it("shows a deal opened, moved, won and lost on its stakeholders', organisation's and own timelines", () => {
      const deal = { dealId: "d1", name: "Rollout", contactIds: ["c1", "c2"], organizationId: "o1", amount };
      const links = [{ type: "contact", id: "c1" }, { type: "contact", id: "c2" }, { type: "organization", id: "o1" }, { type: "deal", id: "d1" }];
      expect(factOf("crm.sales-pipeline.deal.created", eventsV1.DealCreated, deal)).toEqual({ kind: "deal.created", occurredAt: at, summary: "Deal opened: Rollout (EUR 1234.56)", links, about: { type: "deal", id: "d1" } });
      // Its first stage is the deal's creation, told once.
      expect(factOf("crm.sales-pipeline.deal.stage_changed", eventsV1.DealStageChanged, { ...deal, toStageName: "Discovery" })).toBeUndefined();
      expect(factOf("crm.sales-pipeline.deal.stage_changed", eventsV1.DealStageChanged, { ...deal, fromStageId: "s1", toStageName: "Proposal", probability: 60 })).toMatchObject({
        kind: "deal.stage_changed",
        summary: "Deal Rollout moved to Proposal (60 %)",
        links,
      });
      expect(factOf("crm.sales-pipeline.deal.won", eventsV1.DealWon, { ...deal, amount: { currencyCode: "JPY", amountMinor: "500000" } })).toMatchObject({ kind: "deal.won", summary: "Deal won: Rollout (JPY 500000)" });
      expect(factOf("crm.sales-pipeline.deal.lost", eventsV1.DealLost, { ...deal, reason: "Budget" })).toMatchObject({ kind: "deal.lost", summary: "Deal lost: Rollout (Budget)" });
    });

    it("shows orders on the buyer's timelines, and a converted lead on its new records'", () => {
      expect(factOf("crm.sales-pipeline.order.placed", eventsV1.OrderPlaced, { orderId: "r1", contactId: "c1", organizationId: "o1", total: amount, skus: ["SKU-1", "SKU-2"] })).toEqual({
        kind: "order.placed",
        occurredAt: at,
        summary: "Order placed: EUR 1234.56 (SKU-1, SKU-2)",
        links: [{ type: "contact", id: "c1" }, { type: "organization", id: "o1" }],
        about: { type: "order", id: "r1" },
      });
      expect(factOf("crm.sales-pipeline.order.status_changed", eventsV1.OrderStatusChanged, { orderId: "r1", contactId: "c1", total: amount, fromStatus: "paid", toStatus: "refunded" })).toMatchObject({
        summary: "Order refunded: EUR 1234.56",
        links: [{ type: "contact", id: "c1" }],
      });
      expect(factOf("crm.sales-pipeline.lead.converted", eventsV1.LeadConverted, { leadId: "l1", name: "Ada Lovelace", contactId: "c1", organizationId: "o1", dealId: "d1" })).toEqual({
        kind: "lead.converted",
        occurredAt: at,
        summary: "Lead converted: Ada Lovelace, with a deal",
        links: [{ type: "contact", id: "c1" }, { type: "organization", id: "o1" }, { type: "deal", id: "d1" }],
        about: { type: "lead", id: "l1" },
      });
    });
  });

  describe("marketing-campaign", () => {
    it("shows each campaign message sent on the contact's timeline, about its campaign", () => {
      expect(
        factOf("crm.marketing-campaign.campaign.message_sent", eventsV1.CampaignMessageSent, { campaignId: "k1", campaignName: "Spring news", variant: "b", messageId: "m1", contactId: "c1", channel: "email" }),
      ).toEqual({
        kind: "campaign.message_sent",
        occurredAt: at,
        summary: "E-mail sent: Spring news (variant b)",
        links: [{ type: "contact", id: "c1" }],
        about: { type: "campaign", id: "k1" },
      });
    });

    it("shows each response, a click with its link", () => {
      const fields = { campaignId: "k1", campaignName: "Spring news", messageId: "m1", contactId: "c1" };
      expect(factOf("crm.marketing-campaign.campaign.response_recorded", eventsV1.CampaignResponseRecorded, { ...fields, response: "clicked", linkUrl: "https://example.com/offer" })).toEqual({
        kind: "campaign.clicked",
        occurredAt: at,
        summary: "Campaign Spring news: clicked https://example.com/offer",
        links: [{ type: "contact", id: "c1" }],
        about: { type: "campaign", id: "k1" },
      });
      expect(factOf("crm.marketing-campaign.campaign.response_recorded", eventsV1.CampaignResponseRecorded, { ...fields, response: "hard_bounced" })).toMatchObject({
        kind: "campaign.hard_bounced",
        summary: "Campaign Spring news: bounced (hard)",
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
