import { PermissionDeniedError, ValidationError, type FieldViolation, type Identity } from "@crm/kit/edge";
import { z } from "zod";
import { hasPermission } from "../auth/roles";
import type { ApiRegistry } from "../http/api-registry";
import { parseFilter } from "../query/filter-parser";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import { idParams, idSchema, pageInfoSchema } from "../routes/schemas";
import type { DeliveryDocument } from "./delivery.model";
import type { DeliveryStore } from "./delivery-store";
import { EVENT_PATTERN, serviceOfPattern } from "./event-types";
import type { SubscriptionDocument } from "./subscription.model";
import type { SubscriptionFields, SubscriptionStore } from "./subscription-store";
import type { TargetGuard } from "./target-guard";

const subscriptionFields = {
  url: z.string().max(2_000).describe("Where events are POSTed; must not resolve to a private, loopback or link-local address"),
  eventTypes: z.array(z.string().max(200).regex(EVENT_PATTERN, "must look like contacts.contact.created, contacts.* or *")).min(1).max(50)
    .describe("Event types (the subject without `crm.`) or patterns ending in `.*`"),
  filter: z.string().max(2_000).describe("Only events whose data match, in the list routes' filter language, e.g. relationshipType[eq]:customer"),
  description: z.string().max(500),
};
const subscriptionInputSchema = z
  .object({ ...subscriptionFields, filter: subscriptionFields.filter.optional(), description: subscriptionFields.description.optional() })
  .strict()
  .meta({ examples: [{ url: "https://hooks.example.com/crm", eventTypes: ["contacts.contact.created", "contacts.contact.updated"], filter: "relationshipType[eq]:customer", description: "New and changed customers to the ERP" }] });
const subscriptionPatchSchema = z.object({ ...subscriptionFields, enabled: z.boolean().describe("true enables a disabled endpoint again") }).partial().strict();

const subscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  filter: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  disabledReason: z.string().describe("Why the gateway disabled the endpoint; empty while it is enabled"),
  consecutiveFailures: z.number().int(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const createdSubscriptionSchema = subscriptionSchema.extend({
  secret: z.string().describe("The signing secret (Standard Webhooks `whsec_…`): shown this once; verify `webhook-signature` with it"),
});
const deliverySchema = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(["pending", "delivering", "succeeded", "failed"]),
  attemptCount: z.number().int(),
  nextAttemptAt: z.string().nullable().describe("When it is tried next, while pending"),
  attempts: z.array(z.object({ at: z.string(), status: z.number().int().describe("The endpoint's HTTP status; 0 when none"), error: z.string(), durationMs: z.number() })),
  payload: z.record(z.string(), z.unknown()).describe("The JSON body sent"),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const deliveryParams = z.object({ id: idSchema, deliveryId: idSchema });

const toRestSubscription = (s: SubscriptionDocument): z.output<typeof subscriptionSchema> => ({
  id: s._id, url: s.url, eventTypes: s.eventTypes, filter: s.filter, description: s.description, enabled: s.enabled, disabledReason: s.disabledReason,
  consecutiveFailures: s.consecutiveFailures, createdBy: s.createdBy, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString(),
});
const toRestDelivery = (d: DeliveryDocument): z.output<typeof deliverySchema> => ({
  id: d._id, eventId: d.eventId, eventType: d.eventType, status: d.status, attemptCount: d.attemptCount,
  nextAttemptAt: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
  attempts: d.attempts.map((a) => ({ at: a.at.toISOString(), status: a.status, error: a.error, durationMs: a.durationMs })),
  payload: JSON.parse(d.payload) as Record<string, unknown>, createdAt: d.createdAt.toISOString(), updatedAt: d.updatedAt.toISOString(),
});

/** Webhook subscriptions for API consumers, their delivery log and replays; tenant-wide, so for administrators. */
export function registerWebhookRoutes(api: ApiRegistry, subscriptions: SubscriptionStore, deliveries: DeliveryStore, guard: TargetGuard, onReplay: () => void): void {
  const tag = "Webhooks";
  const permission = "webhooks:admin" as const;

  /** Checks what a subscription would be given: its target, its patterns' permissions, its filter. */
  const checked = async (identity: Identity, fields: Partial<SubscriptionFields>) => {
    // Events are tenant-wide: a caller limited to its own records would receive others' through them.
    if (identity.owners) throw new PermissionDeniedError("webhooks deliver every record's events; a caller limited to its own records cannot subscribe");
    const violations: FieldViolation[] = [];
    const refusal = fields.url === undefined ? undefined : await guard.refusal(fields.url);
    if (refusal) violations.push({ field: "url", description: refusal });
    (fields.eventTypes ?? []).forEach((pattern, i) => {
      const service = serviceOfPattern(pattern);
      if (service && !hasPermission(identity, `${service}:read`)) violations.push({ field: `eventTypes.${i}`, description: `requires ${service}:read` });
    });
    if (fields.filter) {
      try {
        parseFilter(fields.filter);
      } catch (error) {
        violations.push(...(error instanceof ValidationError ? error.violations : [{ field: "filter", description: "is not a valid filter" }]));
      }
    }
    if (violations.length > 0) throw new ValidationError(violations);
    return fields;
  };

  api.route({
    method: "post", path: "/v1/webhooks", operationId: "createWebhook", summary: "Subscribe an endpoint to events", tag, permission,
    body: subscriptionInputSchema, response: { status: 201, schema: createdSubscriptionSchema, description: "The subscription and, this once, its signing secret" },
    handler: async ({ body, identity, res }) => {
      const fields = await checked(identity, body);
      const created = await subscriptions.create(identity.tenantId, identity.subject, { url: body.url, eventTypes: body.eventTypes, filter: fields.filter ?? "", description: body.description ?? "" });
      res.location(`/v1/webhooks/${created._id}`);
      return { ...toRestSubscription(created), secret: created.secret };
    },
  });

  api.route({
    method: "get", path: "/v1/webhooks", operationId: "listWebhooks", summary: "The tenant's webhook subscriptions", tag, permission,
    query: listQuerySchema.pick({ limit: true, after: true, before: true }),
    response: { status: 200, schema: z.object({ data: z.array(subscriptionSchema), pageInfo: pageInfoSchema }), description: "One page" },
    handler: async ({ query, identity }) => {
      const page = await subscriptions.list(identity.tenantId, toListRequest(query).page);
      return { data: page.items.map(toRestSubscription), pageInfo: toPageInfo(page.pageInfo) };
    },
  });

  api.route({
    method: "get", path: "/v1/webhooks/:id", operationId: "getWebhook", summary: "One webhook subscription", tag, permission,
    params: idParams, response: { status: 200, schema: subscriptionSchema, description: "The subscription" },
    handler: async ({ params, identity }) => toRestSubscription(await subscriptions.get(identity.tenantId, params.id)),
  });

  api.route({
    method: "patch", path: "/v1/webhooks/:id", operationId: "updateWebhook", summary: "Change a subscription, or enable a disabled one", tag, permission,
    params: idParams, body: subscriptionPatchSchema, response: { status: 200, schema: subscriptionSchema, description: "The subscription" },
    handler: async ({ params, body, identity }) => {
      await checked(identity, body);
      return toRestSubscription(await subscriptions.update(identity.tenantId, params.id, body));
    },
  });

  api.route({
    method: "delete", path: "/v1/webhooks/:id", operationId: "deleteWebhook", summary: "Delete a subscription (its pending deliveries are dropped)", tag, permission,
    params: idParams, response: { status: 204, description: "Deleted" },
    handler: async ({ params, identity }) => subscriptions.delete(identity.tenantId, params.id),
  });

  api.route({
    method: "get", path: "/v1/webhooks/:id/deliveries", operationId: "listWebhookDeliveries", summary: "The delivery log of a subscription, newest first", tag, permission,
    params: idParams, query: listQuerySchema.pick({ filter: true, limit: true, after: true, before: true }),
    response: { status: 200, schema: z.object({ data: z.array(deliverySchema), pageInfo: pageInfoSchema }), description: "One page; filter on status or eventType" },
    handler: async ({ params, query, identity }) => {
      await subscriptions.get(identity.tenantId, params.id);
      const { filter, page } = toListRequest(query);
      const found = await deliveries.list(identity.tenantId, params.id, filter, page);
      return { data: found.items.map(toRestDelivery), pageInfo: toPageInfo(found.pageInfo) };
    },
  });

  api.route({
    method: "get", path: "/v1/webhooks/:id/deliveries/:deliveryId", operationId: "getWebhookDelivery", summary: "One delivery and its attempts", tag, permission,
    params: deliveryParams, response: { status: 200, schema: deliverySchema, description: "The delivery" },
    handler: async ({ params, identity }) => toRestDelivery(await deliveries.get(identity.tenantId, params.id, params.deliveryId)),
  });

  api.route({
    method: "post", path: "/v1/webhooks/:id/deliveries/:deliveryId/replay", operationId: "replayWebhookDelivery",
    summary: "Send a delivery again (same webhook-id, so receivers can tell)", tag, permission,
    params: deliveryParams, response: { status: 202, schema: deliverySchema, description: "The delivery, pending again" },
    handler: async ({ params, identity }) => {
      const replayed = toRestDelivery(await deliveries.replay(identity.tenantId, params.id, params.deliveryId));
      onReplay();
      return replayed;
    },
  });
}
