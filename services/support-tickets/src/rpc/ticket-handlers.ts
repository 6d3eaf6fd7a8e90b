import { supportTicketsV1 } from "@crm/proto";
import { actorOf, requireId, type ServiceRuntime } from "@crm/kit";
import { prepareTicket } from "../domain/ticket";
import type { TicketRepository } from "../store/ticket-repository";
import { toTicketDraft, toProtoTicket } from "./mapping";

/** Tickets: proto in, checked and standardised, stored or read, proto out. */
export function ticketHandlers(rpc: ServiceRuntime["rpc"], { tickets }: { tickets: TicketRepository }): supportTicketsV1.SupportTicketsServiceServer {
  return {
    createTicket: rpc("CreateTicket", async (request: supportTicketsV1.CreateTicketRequest, { identity }) => {
      const fields = prepareTicket(toTicketDraft(request.ticket));
      const created = await tickets.create(actorOf(identity), fields, request.requestId);
      return { ticket: toProtoTicket(created) };
    }),

    getTicket: rpc("GetTicket", async (request: supportTicketsV1.GetTicketRequest, { identity }) => {
      requireId(request.id, "id");
      return { ticket: toProtoTicket(await tickets.get(identity.tenantId, request.id)) };
    }),

    listTickets: rpc("ListTickets", async (request: supportTicketsV1.ListTicketsRequest, { identity }) => {
      const { items, pageInfo } = await tickets.list(identity.tenantId, request);
      return { tickets: items.map(toProtoTicket), pageInfo };
    }),
  };
}
