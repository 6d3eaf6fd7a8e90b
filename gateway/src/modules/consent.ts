import { consentV1 } from "@crm/proto";
import { ServiceClient } from "@crm/kit/edge";
import { z } from "zod";
import { registerResourceRoutes } from "../http/resource-routes";
import { defineGatewayService } from "./gateway-module";

/** A purpose as clients write it: the request's validation and its OpenAPI schema. */
const purposeInputSchema = z.object({ name: z.string().max(200).regex(/\S/, "is required").describe("Spacing is tidied") }).strict();

/** A purpose as the API answers it. */
const purposeSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdBy: z.string(),
  createdAt: z.string().describe("ISO 8601"),
  updatedAt: z.string().describe("ISO 8601"),
});

function toRestPurpose(purpose: consentV1.Purpose | undefined): z.output<typeof purposeSchema> {
  if (!purpose) throw new Error("the consent service answered without a purpose");
  const { id, name, createdBy, createTime, updateTime } = purpose;
  return { id, name, createdBy, createdAt: createTime?.toISOString() ?? "", updatedAt: updateTime?.toISOString() ?? "" };
}

/** Consent behind /v1/purposes: its client and routes (registered in packages/registry/services.json). */
export const gatewayService = defineGatewayService({
  createClient: (address, { identityKey, timeoutMs }) =>
    new ServiceClient(consentV1.ConsentServiceClient, address, { identityKey, timeoutMs, reads: ["getPurpose", "listPurposes"] }),
  registerRoutes: (api, client) =>
    registerResourceRoutes(api, {
      path: "/v1/purposes",
      one: "Purpose",
      many: "Purposes",
      tag: "Purposes",
      service: "consent",
      input: purposeInputSchema,
      output: purposeSchema,
      create: async (identity, body, requestId) => toRestPurpose((await client.call(identity, "createPurpose", { purpose: body, requestId })).purpose),
      get: async (identity, id) => toRestPurpose((await client.call(identity, "getPurpose", { id })).purpose),
      list: async (identity, request) => {
        const response = await client.call(identity, "listPurposes", request);
        return { items: response.purposes.map(toRestPurpose), pageInfo: response.pageInfo };
      },
    }),
});
