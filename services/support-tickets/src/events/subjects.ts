/**
 * Subjects this service publishes, `crm.support-tickets.<entity>.<event>`, on its stream
 * (CRM_SUPPORT_TICKETS); the payloads are in proto/crm/events/v1/support_tickets.proto. Its
 * erasure confirmations, crm.support-tickets.subject.erasure_completed, are the kit's.
 */
export const TICKET_EVENTS = {
  created: { subject: "crm.support-tickets.ticket.created", type: "crm.events.v1.TicketCreated" },
} as const;
