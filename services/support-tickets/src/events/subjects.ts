/**
 * Subjects this service publishes, `crm.support-tickets.<entity>.<event>`, on its stream
 * (CRM_SUPPORT_TICKETS); the payloads are in proto/crm/events/v1/support_tickets.proto. Its
 * erasure confirmations, crm.support-tickets.subject.erasure_completed, are the kit's.
 */
export const TICKET_EVENTS = {
  opened: { subject: "crm.support-tickets.ticket.opened", type: "crm.events.v1.TicketOpened" },
  statusChanged: { subject: "crm.support-tickets.ticket.status_changed", type: "crm.events.v1.TicketStatusChanged" },
  resolved: { subject: "crm.support-tickets.ticket.resolved", type: "crm.events.v1.TicketResolved" },
  replied: { subject: "crm.support-tickets.ticket.replied", type: "crm.events.v1.TicketReplied" },
  slaWarning: { subject: "crm.support-tickets.ticket.sla_warning", type: "crm.events.v1.TicketSlaAlert" },
  slaBreached: { subject: "crm.support-tickets.ticket.sla_breached", type: "crm.events.v1.TicketSlaAlert" },
} as const;

export const FEEDBACK_EVENTS = {
  received: { subject: "crm.support-tickets.feedback.received", type: "crm.events.v1.FeedbackReceived" },
} as const;

/**
 * What this service consumes of the contacts service: merges move a requester's tickets to the
 * survivor, and back on an undo; an erased contact record has its tickets anonymised.
 */
export const CONTACT_FATE_EVENTS = {
  service: "contacts",
  subjects: ["crm.contacts.contact.merged", "crm.contacts.contact.merge_undone", "crm.contacts.contact.erased"],
} as const;
