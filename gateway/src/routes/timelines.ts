import type { interactionsV1 } from "@crm/proto";
import { z } from "zod";
import type { InteractionsClient } from "../clients/interactions";
import type { ApiRegistry } from "../http/api-registry";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import { idParams, pageInfoSchema } from "./schemas";

const TAG = "Timelines";
const refSchema = z.object({ type: z.string(), id: z.string() });

const entrySchema = z.object({
  id: z.string(),
  kind: z.string().describe("call, email, meeting, note, message, web_visit, task.completed, contact.created, contact.merged... and each service's own (deal.won, ticket.opened...)"),
  occurredAt: z.string().describe("When it happened at its source: the timeline's order"),
  summary: z.string(),
  source: z.string().describe("The service that reported it"),
  about: refSchema.nullable().describe("The record it is about, to open it"),
  links: z.array(refSchema).describe("Every record whose timeline shows it"),
});

const timelineQuerySchema = listQuerySchema.extend({
  filter: listQuerySchema.shape.filter.describe("Over kind, source and occurredAt, e.g. and(kind[in]:[call,email],occurredAt[gte]:2026-01-01)"),
});

export const engagementSchema = z.object({
  contactId: z.string(),
  lastInteraction: z.object({ interactionId: z.string(), kind: z.string(), occurredAt: z.string(), summary: z.string() }).nullable(),
  windows: z.array(z.object({ days: z.number().describe("30, 90 or 365, ending now"), counts: z.record(z.string(), z.number()).describe("By kind"), total: z.number() })),
});

export function toRestEngagement(contactId: string, engagement: interactionsV1.ContactEngagement | undefined): z.output<typeof engagementSchema> {
  const last = engagement?.lastInteraction;
  return {
    contactId,
    lastInteraction: last ? { interactionId: last.interactionId, kind: last.kind, occurredAt: last.occurTime?.toISOString() ?? "", summary: last.summary } : null,
    windows: engagement?.windows ?? [],
  };
}

function toRestEntry(entry: interactionsV1.TimelineEntry): z.output<typeof entrySchema> {
  const { occurTime, about, ...rest } = entry;
  return { ...rest, about: about ?? null, occurredAt: occurTime?.toISOString() ?? "" };
}

/** The timelines of contacts, organisations and deals, and each contact's engagement. */
export function registerTimelineRoutes(api: ApiRegistry, client: InteractionsClient): void {
  for (const [type, collection, name] of [["contact", "contacts", "Contact"], ["organization", "organizations", "Organization"], ["deal", "deals", "Deal"]] as const) {
    api.route({
      method: "get", path: `/v1/${collection}/:id/timeline`, operationId: `list${name}Timeline`, tag: TAG, permission: "interactions:read",
      summary: `One chronological feed of the ${type}: its interactions and what every service reported about it, newest first`,
      params: idParams, query: timelineQuerySchema,
      response: { status: 200, schema: z.object({ data: z.array(entrySchema), pageInfo: pageInfoSchema }), description: "One page of the timeline" },
      handler: async ({ params, query, identity }) => {
        const response = await client.call(identity, "listTimeline", { record: { type, id: params.id }, ...toListRequest(query) });
        return { data: response.entries.map(toRestEntry), pageInfo: toPageInfo(response.pageInfo) };
      },
    });
  }

  api.route({
    method: "get", path: "/v1/contacts/:id/engagement", operationId: "getContactEngagement", tag: TAG, permission: "interactions:read",
    summary: "The contact's interactions by kind over the last 30, 90 and 365 days, and its last one",
    params: idParams, response: { status: 200, schema: engagementSchema, description: "Engagement, current to the moment" },
    handler: async ({ params, identity }) => {
      const [engagement] = (await client.call(identity, "getEngagement", { contactIds: [params.id] })).engagements;
      return toRestEngagement(params.id, engagement);
    },
  });
}
