import { marketingCampaignV1 } from "@crm/proto";
import { ServiceClient } from "@crm/kit/edge";
import { z } from "zod";
import { registerResourceRoutes } from "../http/resource-routes";
import { defineGatewayService } from "./gateway-module";

/** A campaign as clients write it: the request's validation and its OpenAPI schema. */
const campaignInputSchema = z.object({ name: z.string().max(200).regex(/\S/, "is required").describe("Spacing is tidied") }).strict();

/** A campaign as the API answers it. */
const campaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdBy: z.string(),
  createdAt: z.string().describe("ISO 8601"),
  updatedAt: z.string().describe("ISO 8601"),
});

function toRestCampaign(campaign: marketingCampaignV1.Campaign | undefined): z.output<typeof campaignSchema> {
  if (!campaign) throw new Error("the marketing-campaign service answered without a campaign");
  const { id, name, createdBy, createTime, updateTime } = campaign;
  return { id, name, createdBy, createdAt: createTime?.toISOString() ?? "", updatedAt: updateTime?.toISOString() ?? "" };
}

/** Marketing campaign behind /v1/campaigns: its client and routes (registered in packages/registry/services.json). */
export const gatewayService = defineGatewayService({
  createClient: (address, { identityKey, timeoutMs }) =>
    new ServiceClient(marketingCampaignV1.MarketingCampaignServiceClient, address, { identityKey, timeoutMs, reads: ["getCampaign", "listCampaigns"] }),
  registerRoutes: (api, client) =>
    registerResourceRoutes(api, {
      path: "/v1/campaigns",
      one: "Campaign",
      many: "Campaigns",
      tag: "Campaigns",
      service: "marketing-campaign",
      input: campaignInputSchema,
      output: campaignSchema,
      create: async (identity, body, requestId) => toRestCampaign((await client.call(identity, "createCampaign", { campaign: body, requestId })).campaign),
      get: async (identity, id) => toRestCampaign((await client.call(identity, "getCampaign", { id })).campaign),
      list: async (identity, request) => {
        const response = await client.call(identity, "listCampaigns", request);
        return { items: response.campaigns.map(toRestCampaign), pageInfo: response.pageInfo };
      },
    }),
});
