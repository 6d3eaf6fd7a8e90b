import { eventsV1 } from "@crm/proto";
import { contact, link, organization, timelineEvent, timelineSource } from "./source";

const ticket = link("ticket");

/**
 * The support-tickets service on timelines: a ticket opened and resolved, on its requester's and
 * organisation's timelines, and the requester's satisfaction rating.
 */
export const supportTicketsTimeline = timelineSource("support-tickets", [
  timelineEvent("crm.support-tickets.ticket.opened", eventsV1.TicketOpened, (event, occurredAt) => ({
    kind: "ticket.opened",
    occurredAt,
    summary: `Ticket opened: ${event.subject}${event.priority && event.priority !== "normal" ? ` (${event.priority} priority)` : ""}`,
    links: [...contact(event.requesterId), ...organization(event.organizationId)],
    about: ticket(event.ticketId)[0],
  })),
  timelineEvent("crm.support-tickets.ticket.resolved", eventsV1.TicketResolved, (event, occurredAt) => ({
    kind: "ticket.resolved",
    occurredAt,
    summary: `Ticket resolved: ${event.subject}`,
    links: [...contact(event.requesterId), ...organization(event.organizationId)],
    about: ticket(event.ticketId)[0],
  })),
  timelineEvent("crm.support-tickets.feedback.received", eventsV1.FeedbackReceived, (event, occurredAt) => ({
    kind: "feedback.received",
    occurredAt,
    summary: `Rated the support ${event.rating}/5`,
    links: contact(event.requesterId),
    about: ticket(event.ticketId)[0],
  })),
]);
