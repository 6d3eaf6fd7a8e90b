import { supportTicketsV1 } from "@crm/proto";
import { ServiceClient } from "@crm/kit/edge";
import { z } from "zod";
import { registerResourceRoutes } from "../http/resource-routes";
import { defineGatewayService } from "./gateway-module";

/** A ticket as clients write it: the request's validation and its OpenAPI schema. */
const ticketInputSchema = z.object({ name: z.string().max(200).regex(/\S/, "is required").describe("Spacing is tidied") }).strict();

/** A ticket as the API answers it. */
const ticketSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdBy: z.string(),
  createdAt: z.string().describe("ISO 8601"),
  updatedAt: z.string().describe("ISO 8601"),
});

function toRestTicket(ticket: supportTicketsV1.Ticket | undefined): z.output<typeof ticketSchema> {
  if (!ticket) throw new Error("the support-tickets service answered without a ticket");
  const { id, name, createdBy, createTime, updateTime } = ticket;
  return { id, name, createdBy, createdAt: createTime?.toISOString() ?? "", updatedAt: updateTime?.toISOString() ?? "" };
}

/** Support tickets behind /v1/tickets: its client and routes (registered in packages/registry/services.json). */
export const gatewayService = defineGatewayService({
  createClient: (address, { identityKey, timeoutMs }) =>
    new ServiceClient(supportTicketsV1.SupportTicketsServiceClient, address, { identityKey, timeoutMs, reads: ["getTicket", "listTickets"] }),
  registerRoutes: (api, client) =>
    registerResourceRoutes(api, {
      path: "/v1/tickets",
      one: "Ticket",
      many: "Tickets",
      tag: "Tickets",
      service: "support-tickets",
      input: ticketInputSchema,
      output: ticketSchema,
      create: async (identity, body, requestId) => toRestTicket((await client.call(identity, "createTicket", { ticket: body, requestId })).ticket),
      get: async (identity, id) => toRestTicket((await client.call(identity, "getTicket", { id })).ticket),
      list: async (identity, request) => {
        const response = await client.call(identity, "listTickets", request);
        return { items: response.tickets.map(toRestTicket), pageInfo: response.pageInfo };
      },
    }),
});
