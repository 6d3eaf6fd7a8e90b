import { marketingCampaignV1 } from "@crm/proto";
import type { ServiceRegistration, ServiceRuntime } from "@crm/kit";
import { campaignHandlers, type CampaignHandlerDeps } from "./campaign-handlers";
import { metricsHandlers, type MetricsHandlerDeps } from "./metrics-handlers";
import { responseHandlers, type ResponseHandlerDeps } from "./response-handlers";
import { segmentHandlers, type SegmentHandlerDeps } from "./segment-handlers";
import { settingsHandlers } from "./settings-handlers";
import type { SettingsRepository } from "../store/settings-repository";

export type ServiceDeps = SegmentHandlerDeps & CampaignHandlerDeps & MetricsHandlerDeps & ResponseHandlerDeps & { settings: SettingsRepository };

/** crm.marketing_campaign.v1.MarketingCampaignService: the handlers of each resource. */
export function marketingCampaignService(rpc: ServiceRuntime["rpc"], deps: ServiceDeps): ServiceRegistration {
  const implementation: marketingCampaignV1.MarketingCampaignServiceServer = {
    ...segmentHandlers(rpc, deps),
    ...campaignHandlers(rpc, deps),
    ...metricsHandlers(rpc, deps),
    ...responseHandlers(rpc, deps),
    ...settingsHandlers(rpc, deps),
  };
  return { name: "crm.marketing_campaign.v1.MarketingCampaignService", definition: marketingCampaignV1.MarketingCampaignServiceService, implementation };
}
