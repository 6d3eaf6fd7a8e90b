import { commonV1, eventsV1 } from "@crm/proto";
import { z } from "zod";
import { ReadCache } from "../cache/read-cache";
import type { InvalidationSource } from "../cache/event-invalidation";
import { createSupportTicketsClient, type SupportTicketsClient } from "../clients/support-tickets";
import type { CustomerPart } from "../customer360/customer-part";
import { registerSlaRoutes } from "../routes/sla-settings";
import { slaSchema, toRestSla } from "../routes/ticket-schemas";
import { registerTicketRoutes } from "../routes/tickets";
import { defineGatewayService } from "./gateway-module";

/** What the customer 360 caches per contact from this service: its open tickets (ReadCache.key). */
const CONTACT_TICKETS_KIND = "contact-tickets";
/** Open tickets shown in a customer 360, soonest deadline first. */
const OPEN_TICKETS_SHOWN = 20;

const requesterOf: Record<string, (payload: Uint8Array) => string> = {
  "crm.events.v1.TicketOpened": (p) => eventsV1.TicketOpened.decode(p).requesterId,
  "crm.events.v1.TicketStatusChanged": (p) => eventsV1.TicketStatusChanged.decode(p).requesterId,
  "crm.events.v1.TicketResolved": (p) => eventsV1.TicketResolved.decode(p).requesterId,
  "crm.events.v1.TicketReplied": (p) => eventsV1.TicketReplied.decode(p).requesterId,
  "crm.events.v1.TicketSlaAlert": (p) => eventsV1.TicketSlaAlert.decode(p).requesterId,
};

/** The ticket events that change a contact's open tickets in the customer 360. */
const ticketInvalidations: InvalidationSource = {
  subject: "crm.support-tickets.ticket.>",
  keysOf(type, tenantId, payload) {
    const requester = requesterOf[type]?.(payload);
    return requester ? [ReadCache.key(tenantId, CONTACT_TICKETS_KIND, requester)] : [];
  },
};

const openTicketSchema = z.object({
  id: z.string(),
  subject: z.string(),
  status: z.string(),
  priority: z.string(),
  assigneeId: z.string(),
  team: z.string(),
  createdAt: z.string(),
  sla: slaSchema,
});
const ticketsPartSchema = z.array(openTicketSchema).describe(`The contact's open tickets (at most ${OPEN_TICKETS_SHOWN}), soonest SLA deadline first, with their SLA state`);

/** The customer 360's `tickets`: the contact's open tickets with their SLA state. */
function ticketParts(client: SupportTicketsClient): CustomerPart[] {
  const condition = (field: string, value: string) => ({ node: { $case: "condition" as const, condition: { field, comparator: commonV1.Comparator.COMPARATOR_EQ, values: [value] } } });
  const tickets: CustomerPart<z.output<typeof ticketsPartSchema>> = {
    name: "tickets",
    permission: "support-tickets:read",
    schema: ticketsPartSchema,
    read: async (context) => {
      const filter = { node: { $case: "and" as const, and: { filters: [condition("requesterId", context.contactId), condition("open", "true")] } } };
      const { tickets: open } = await client.call(
        context.identity,
        "listTickets",
        { filter, orderBy: [{ field: "slaDueAt", descending: false }], page: commonV1.PageRequest.fromPartial({ pageSize: OPEN_TICKETS_SHOWN }) },
        { timeoutMs: context.timeoutMs },
      );
      context.dependsOn(ReadCache.key(context.identity.tenantId, CONTACT_TICKETS_KIND, context.contactId));
      return open.map((ticket) => ({
        id: ticket.id,
        subject: ticket.subject,
        status: ticket.status,
        priority: ticket.priority,
        assigneeId: ticket.assigneeId,
        team: ticket.team,
        createdAt: ticket.createTime?.toISOString() ?? "",
        sla: toRestSla(ticket.sla),
      }));
    },
  };
  return [tickets];
}

/**
 * Support tickets: /v1/tickets (comments, history, feedback), /v1/sla-policies, /v1/calendars,
 * /v1/support/metrics, and the customer 360's open tickets with their SLA state.
 */
export const gatewayService = defineGatewayService({
  createClient: createSupportTicketsClient,
  registerRoutes: (api, client) => {
    registerTicketRoutes(api, client);
    registerSlaRoutes(api, client);
  },
  invalidations: ticketInvalidations,
  customerParts: ticketParts,
});
