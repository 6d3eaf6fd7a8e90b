import { runService } from "@crm/kit";
import { startMarketingCampaign } from "./app";
import { loadMarketingCampaignConfig } from "./config";

// Wiring only: configuration from the environment, then the service that app.ts builds.
runService(() => startMarketingCampaign(loadMarketingCampaignConfig()));
