import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta, type OutboxEvent } from "@crm/kit";
import type { Ticket } from "../domain/ticket";
import { TICKET_EVENTS } from "./subjects";

/** ticket.created: the id and name a consumer needs to link and show it. */
export function ticketCreated(ticket: Ticket): OutboxEvent {
  return outboxEventWithMeta(
    TICKET_EVENTS.created,
    ticket.tenantId,
    ticket.createdBy,
    ticket.createdAt,
    (meta) => ({ meta, ticketId: ticket.id, name: ticket.name }),
    eventsV1.TicketCreated,
  );
}
