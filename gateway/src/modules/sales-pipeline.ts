import { salesPipelineV1 } from "@crm/proto";
import { ServiceClient } from "@crm/kit/edge";
import { z } from "zod";
import { registerResourceRoutes } from "../http/resource-routes";
import { defineGatewayService } from "./gateway-module";

/** A lead as clients write it: the request's validation and its OpenAPI schema. */
const leadInputSchema = z.object({ name: z.string().max(200).regex(/\S/, "is required").describe("Spacing is tidied") }).strict();

/** A lead as the API answers it. */
const leadSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdBy: z.string(),
  createdAt: z.string().describe("ISO 8601"),
  updatedAt: z.string().describe("ISO 8601"),
});

function toRestLead(lead: salesPipelineV1.Lead | undefined): z.output<typeof leadSchema> {
  if (!lead) throw new Error("the sales-pipeline service answered without a lead");
  const { id, name, createdBy, createTime, updateTime } = lead;
  return { id, name, createdBy, createdAt: createTime?.toISOString() ?? "", updatedAt: updateTime?.toISOString() ?? "" };
}

/** Sales pipeline behind /v1/leads: its client and routes (registered in packages/registry/services.json). */
export const gatewayService = defineGatewayService({
  createClient: (address, { identityKey, timeoutMs }) =>
    new ServiceClient(salesPipelineV1.SalesPipelineServiceClient, address, { identityKey, timeoutMs, reads: ["getLead", "listLeads"] }),
  registerRoutes: (api, client) =>
    registerResourceRoutes(api, {
      path: "/v1/leads",
      one: "Lead",
      many: "Leads",
      tag: "Leads",
      service: "sales-pipeline",
      input: leadInputSchema,
      output: leadSchema,
      create: async (identity, body, requestId) => toRestLead((await client.call(identity, "createLead", { lead: body, requestId })).lead),
      get: async (identity, id) => toRestLead((await client.call(identity, "getLead", { id })).lead),
      list: async (identity, request) => {
        const response = await client.call(identity, "listLeads", request);
        return { items: response.leads.map(toRestLead), pageInfo: response.pageInfo };
      },
    }),
});
