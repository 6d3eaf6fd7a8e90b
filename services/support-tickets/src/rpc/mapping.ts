import { supportTicketsV1 } from "@crm/proto";
import { toEtag, ValidationError } from "@crm/kit";
import type { Ticket, TicketDraft } from "../domain/ticket";

export function toProtoTicket(ticket: Ticket): supportTicketsV1.Ticket {
  return {
    id: ticket.id,
    name: ticket.name,
    createTime: ticket.createdAt,
    updateTime: ticket.updatedAt,
    createdBy: ticket.createdBy,
    etag: toEtag(ticket.version),
  };
}

export function toTicketDraft(input: supportTicketsV1.TicketInput | undefined): TicketDraft {
  if (!input) throw ValidationError.field("ticket", "is required");
  return { name: input.name };
}
