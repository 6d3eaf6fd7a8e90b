import { marketingCampaignV1 } from "@crm/proto";
import type { ServiceRegistration, ServiceRuntime } from "@crm/kit";
import type { CampaignRepository } from "../store/campaign-repository";
import { campaignHandlers } from "./campaign-handlers";

/** crm.marketing_campaign.v1.MarketingCampaignService: add the handlers of each new resource here. */
export function marketingCampaignService(rpc: ServiceRuntime["rpc"], deps: { campaigns: CampaignRepository }): ServiceRegistration {
  return {
    name: "crm.marketing_campaign.v1.MarketingCampaignService",
    definition: marketingCampaignV1.MarketingCampaignServiceService,
    implementation: { ...campaignHandlers(rpc, deps) },
  };
}
