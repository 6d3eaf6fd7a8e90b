import { supportTicketsV1 } from "@crm/proto";
import { ServiceClient } from "@crm/kit/edge";
import type { ClientSettings } from "../modules/gateway-module";

export type SupportTicketsClient = ServiceClient<supportTicketsV1.SupportTicketsServiceClient>;

/** The gateway's way to reach the support-tickets service: deadlines, identity, retries for reads. */
export function createSupportTicketsClient(address: string, { identityKey, timeoutMs }: ClientSettings): SupportTicketsClient {
  return new ServiceClient(supportTicketsV1.SupportTicketsServiceClient, address, {
    identityKey,
    timeoutMs,
    reads: ["getTicket", "listTickets", "listComments", "listTicketHistory", "getFeedback", "getSlaPolicy", "listSlaPolicies", "getCalendar", "listCalendars", "getSupportMetrics"],
  });
}
