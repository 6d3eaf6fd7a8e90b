import { z } from "zod";
import type { InteractionsClient } from "../clients/interactions";
import type { ApiRegistry } from "../http/api-registry";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from "../http/idempotency";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import { interactionPatchSchema, interactionSchema, newInteractionSchema, toInteractionInput, toRestInteraction } from "./interaction-schemas";
import { idParams, ifMatch, ifMatchHeader, maskOf, pageInfoSchema } from "./schemas";

const TAG = "Interactions";
/**
 * The longest body the interaction schema allows, every character JSON-escaped (`\uXXXX`, six
 * bytes per UTF-16 unit), is over the gateway's default limit: such a body is valid and must not
 * meet a 413.
 */
const INTERACTION_BODY_LIMIT = 4 * 1024 * 1024;
const searchSchema = z.object({ q: z.string().max(200).optional().describe("Words matched as prefixes of the words of the subject, body and details") });
/** PATCH keys to InteractionInput paths: occurredAt is occurTime there. */
const MASK_RENAMES = { occurredAt: "occurTime" };

/** /v1/interactions: calls, e-mails, meetings, notes, messages and web visits. */
export function registerInteractionRoutes(api: ApiRegistry, client: InteractionsClient): void {
  const one = { status: 200, schema: interactionSchema, description: "The interaction" };

  api.route({
    method: "post", path: "/v1/interactions", operationId: "logInteraction", summary: "Log an interaction", tag: TAG, permission: "interactions:write",
    body: newInteractionSchema, headers: [IDEMPOTENCY_KEY_HEADER], bodyLimitBytes: INTERACTION_BODY_LIMIT,
    response: { status: 201, schema: interactionSchema, description: "The interaction as stored; an e-mail whose messageId is already logged answers the first" },
    handler: async ({ body, identity, req, res }) => {
      const { interaction } = await client.call(identity, "createInteraction", { interaction: toInteractionInput(body), requestId: idempotencyKeyOf(req, res) });
      res.location(`/v1/interactions/${interaction?.id}`).setHeader("ETag", interaction?.etag ?? "");
      return toRestInteraction(interaction);
    },
  });

  api.route({
    method: "get", path: "/v1/interactions/:id", operationId: "getInteraction", summary: "Get one interaction", tag: TAG, permission: "interactions:read",
    params: idParams, response: one,
    handler: async ({ params, identity, res }) => {
      const { interaction } = await client.call(identity, "getInteraction", { id: params.id });
      res.setHeader("ETag", interaction?.etag ?? "");
      return toRestInteraction(interaction);
    },
  });

  api.route({
    method: "patch", path: "/v1/interactions/:id", operationId: "updateInteraction", summary: "Change the fields present in the body", tag: TAG, permission: "interactions:write",
    params: idParams, body: interactionPatchSchema, headers: [ifMatchHeader("interaction")], response: one, bodyLimitBytes: INTERACTION_BODY_LIMIT,
    handler: async ({ params, body, identity, req, res }) => {
      const { interaction } = await client.call(identity, "updateInteraction", {
        id: params.id, interaction: toInteractionInput(body), updateMask: maskOf(body, MASK_RENAMES), etag: ifMatch(req.get("if-match")),
      });
      res.setHeader("ETag", interaction?.etag ?? "");
      return toRestInteraction(interaction);
    },
  });

  api.route({
    method: "delete", path: "/v1/interactions/:id", operationId: "deleteInteraction", summary: "Delete an interaction (it leaves the timelines)", tag: TAG,
    permission: "interactions:write", params: idParams, headers: [ifMatchHeader("interaction")], response: { status: 204, description: "Deleted" },
    handler: async ({ params, identity, req }) => {
      await client.call(identity, "deleteInteraction", { id: params.id, etag: ifMatch(req.get("if-match")) });
    },
  });

  api.route({
    method: "get", path: "/v1/interactions", operationId: "listInteractions", summary: "List and search interactions with filters, order and cursors", tag: TAG,
    permission: "interactions:read", query: listQuerySchema.extend(searchSchema.shape),
    response: { status: 200, schema: z.object({ data: z.array(interactionSchema), pageInfo: pageInfoSchema }), description: "One page, most recent first unless ordered otherwise" },
    handler: async ({ query, identity }) => {
      const { q, ...list } = query;
      const response = await client.call(identity, "listInteractions", { ...toListRequest(list), search: q ?? "" });
      return { data: response.interactions.map(toRestInteraction), pageInfo: toPageInfo(response.pageInfo) };
    },
  });
}
