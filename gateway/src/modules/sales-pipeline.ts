import { eventsV1 } from "@crm/proto";
import { z } from "zod";
import type { InvalidationSource } from "../cache/event-invalidation";
import { ReadCache } from "../cache/read-cache";
import { createSalesPipelineClient, type SalesPipelineClient } from "../clients/sales-pipeline";
import type { CustomerPart } from "../customer360/customer-part";
import { dealSchema, registerDealRoutes, toRestDeal } from "../routes/deals";
import { registerLeadRoutes } from "../routes/leads";
import { customerValueSchema, registerOrderRoutes, toRestCustomerValue } from "../routes/orders";
import { registerPipelineRoutes } from "../routes/pipelines";
import { defineGatewayService } from "./gateway-module";

/** Kinds of cached customer-360 sections this service's events make stale (ReadCache.key). */
const DEALS_KIND = "sales-deals";
const VALUE_KIND = "sales-value";

type Keys = (tenantId: string, payload: Uint8Array) => string[];
const dealKeys = (contactIds: string[], tenantId: string) => contactIds.map((id) => ReadCache.key(tenantId, DEALS_KIND, id));
const valueKeys = (contactId: string, tenantId: string) => (contactId ? [ReadCache.key(tenantId, VALUE_KIND, contactId)] : []);

/** What each event of the service changes in the customer 360, by event type. */
const CHANGED: Record<string, Keys> = {
  "crm.events.v1.DealCreated": (t, p) => dealKeys(eventsV1.DealCreated.decode(p).contactIds, t),
  "crm.events.v1.DealStageChanged": (t, p) => dealKeys(eventsV1.DealStageChanged.decode(p).contactIds, t),
  "crm.events.v1.DealWon": (t, p) => dealKeys(eventsV1.DealWon.decode(p).contactIds, t),
  "crm.events.v1.DealLost": (t, p) => dealKeys(eventsV1.DealLost.decode(p).contactIds, t),
  "crm.events.v1.OrderPlaced": (t, p) => valueKeys(eventsV1.OrderPlaced.decode(p).contactId, t),
  "crm.events.v1.OrderStatusChanged": (t, p) => valueKeys(eventsV1.OrderStatusChanged.decode(p).contactId, t),
};

const salesInvalidations: InvalidationSource = {
  subject: "crm.sales-pipeline.>",
  keysOf: (type, tenantId, payload) => CHANGED[type]?.(tenantId, payload) ?? [],
};

const openDealsSchema = z.array(dealSchema).describe("Open deals where the person is a stakeholder, most recently changed first");

/** The customer 360's sections of this service: the person's open deals, and their value as a customer. */
function salesParts(client: SalesPipelineClient): CustomerPart[] {
  const deals: CustomerPart<z.output<typeof openDealsSchema>> = {
    name: "deals",
    permission: "sales-pipeline:read",
    schema: openDealsSchema,
    read: async (context) => {
      const filter = {
        node: {
          $case: "and" as const,
          and: {
            filters: [
              { node: { $case: "condition" as const, condition: { field: "contactId", comparator: 1, values: [context.contactId] } } },
              { node: { $case: "condition" as const, condition: { field: "status", comparator: 1, values: ["open"] } } },
            ],
          },
        },
      };
      const { deals: found } = await client.call(context.identity, "listDeals", { filter, orderBy: [], page: { pageSize: 50, pageToken: "", direction: 0 } }, { timeoutMs: context.timeoutMs });
      context.dependsOn(ReadCache.key(context.identity.tenantId, DEALS_KIND, context.contactId));
      return found.map(toRestDeal);
    },
  };
  const value: CustomerPart<z.output<typeof customerValueSchema>> = {
    name: "customerValue",
    permission: "sales-pipeline:read",
    schema: customerValueSchema,
    read: async (context) => {
      const answer = await client.call(context.identity, "getCustomerValue", { customerType: "contact", customerId: context.contactId, recentOrders: 5 }, { timeoutMs: context.timeoutMs });
      context.dependsOn(ReadCache.key(context.identity.tenantId, VALUE_KIND, context.contactId));
      return toRestCustomerValue("contact", context.contactId, answer);
    },
  };
  return [deals, value];
}

/** Sales pipeline: leads, pipelines, deals, products, orders and customer value (registered in packages/registry/services.json). */
export const gatewayService = defineGatewayService({
  createClient: createSalesPipelineClient,
  registerRoutes: (api, client) => {
    registerLeadRoutes(api, client);
    registerPipelineRoutes(api, client);
    registerDealRoutes(api, client);
    registerOrderRoutes(api, client);
  },
  invalidations: salesInvalidations,
  customerParts: salesParts,
});
