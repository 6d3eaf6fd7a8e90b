import { interactionsV1 } from "@crm/proto";
import { ServiceClient } from "@crm/kit/edge";
import { z } from "zod";
import { registerResourceRoutes } from "../http/resource-routes";
import { defineGatewayService } from "./gateway-module";

/** A interaction as clients write it: the request's validation and its OpenAPI schema. */
const interactionInputSchema = z.object({ name: z.string().max(200).regex(/\S/, "is required").describe("Spacing is tidied") }).strict();

/** A interaction as the API answers it. */
const interactionSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdBy: z.string(),
  createdAt: z.string().describe("ISO 8601"),
  updatedAt: z.string().describe("ISO 8601"),
});

function toRestInteraction(interaction: interactionsV1.Interaction | undefined): z.output<typeof interactionSchema> {
  if (!interaction) throw new Error("the interactions service answered without a interaction");
  const { id, name, createdBy, createTime, updateTime } = interaction;
  return { id, name, createdBy, createdAt: createTime?.toISOString() ?? "", updatedAt: updateTime?.toISOString() ?? "" };
}

/** Interactions behind /v1/interactions: its client and routes (registered in packages/registry/services.json). */
export const gatewayService = defineGatewayService({
  createClient: (address, { identityKey, timeoutMs }) =>
    new ServiceClient(interactionsV1.InteractionsServiceClient, address, { identityKey, timeoutMs, reads: ["getInteraction", "listInteractions"] }),
  registerRoutes: (api, client) =>
    registerResourceRoutes(api, {
      path: "/v1/interactions",
      one: "Interaction",
      many: "Interactions",
      tag: "Interactions",
      service: "interactions",
      input: interactionInputSchema,
      output: interactionSchema,
      create: async (identity, body, requestId) => toRestInteraction((await client.call(identity, "createInteraction", { interaction: body, requestId })).interaction),
      get: async (identity, id) => toRestInteraction((await client.call(identity, "getInteraction", { id })).interaction),
      list: async (identity, request) => {
        const response = await client.call(identity, "listInteractions", request);
        return { items: response.interactions.map(toRestInteraction), pageInfo: response.pageInfo };
      },
    }),
});
