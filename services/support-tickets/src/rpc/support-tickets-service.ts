import { supportTicketsV1 } from "@crm/proto";
import type { ServiceRegistration, ServiceRuntime } from "@crm/kit";
import type { TicketRepository } from "../store/ticket-repository";
import { ticketHandlers } from "./ticket-handlers";

/** crm.support_tickets.v1.SupportTicketsService: add the handlers of each new resource here. */
export function supportTicketsService(rpc: ServiceRuntime["rpc"], deps: { tickets: TicketRepository }): ServiceRegistration {
  return {
    name: "crm.support_tickets.v1.SupportTicketsService",
    definition: supportTicketsV1.SupportTicketsServiceService,
    implementation: { ...ticketHandlers(rpc, deps) },
  };
}
