import { loadConfig, serviceConfigSchemaFor } from "@crm/kit";
import type { z } from "zod";

/**
 * The environment, parsed once at start: the kit's service variables with this service's
 * defaults (ports from the registry, database crm_marketing_campaign, consumer group). Add this
 * service's own variables with `.extend({ NAME: z.… })` (docs/extending.md).
 */
const marketingCampaignConfigSchema = () => serviceConfigSchemaFor("marketing-campaign");

export type MarketingCampaignConfig = z.output<ReturnType<typeof marketingCampaignConfigSchema>>;

export function loadMarketingCampaignConfig(env: NodeJS.ProcessEnv = process.env): MarketingCampaignConfig {
  return loadConfig(marketingCampaignConfigSchema(), env);
}
