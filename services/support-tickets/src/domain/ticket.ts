import { ValidationError, type RecordAudit } from "@crm/kit";

const MAX_NAME = 200;

/** What a client writes. */
export interface TicketDraft {
  name: string;
}

/** The fields of a ticket, validated and standardised. */
export interface TicketFields {
  name: string;
}

/** A ticket as stored: its fields, its tenant, who made it and when, its version. */
export interface Ticket extends TicketFields, RecordAudit {
  id: string;
  tenantId: string;
}

/** The rules every create follows: a name, its spacing tidied. Every problem is reported at once. */
export function prepareTicket(draft: TicketDraft): TicketFields {
  const name = draft.name.trim().replace(/\s+/g, " ");
  const violations = [
    ...(name ? [] : [{ field: "ticket.name", description: "is required" }]),
    ...(name.length > MAX_NAME ? [{ field: "ticket.name", description: `must be at most ${MAX_NAME} characters` }] : []),
  ];
  if (violations.length > 0) throw new ValidationError(violations);
  return { name };
}
