import { marketingCampaignV1 } from "@crm/proto";
import { actorOf, requireId, type ServiceRuntime } from "@crm/kit";
import { prepareCampaign } from "../domain/campaign";
import type { CampaignRepository } from "../store/campaign-repository";
import { toCampaignDraft, toProtoCampaign } from "./mapping";

/** Campaigns: proto in, checked and standardised, stored or read, proto out. */
export function campaignHandlers(rpc: ServiceRuntime["rpc"], { campaigns }: { campaigns: CampaignRepository }): marketingCampaignV1.MarketingCampaignServiceServer {
  return {
    createCampaign: rpc("CreateCampaign", async (request: marketingCampaignV1.CreateCampaignRequest, { identity }) => {
      const fields = prepareCampaign(toCampaignDraft(request.campaign));
      const created = await campaigns.create(actorOf(identity), fields, request.requestId);
      return { campaign: toProtoCampaign(created) };
    }),

    getCampaign: rpc("GetCampaign", async (request: marketingCampaignV1.GetCampaignRequest, { identity }) => {
      requireId(request.id, "id");
      return { campaign: toProtoCampaign(await campaigns.get(identity.tenantId, request.id)) };
    }),

    listCampaigns: rpc("ListCampaigns", async (request: marketingCampaignV1.ListCampaignsRequest, { identity }) => {
      const { items, pageInfo } = await campaigns.list(identity.tenantId, request);
      return { campaigns: items.map(toProtoCampaign), pageInfo };
    }),
  };
}
