import { ServiceRuntime } from "@crm/kit";
import type { MarketingCampaignConfig } from "./config";
import { startConsumers } from "./events/consumers";
import { marketingCampaignService } from "./rpc/marketing-campaign-service";
import { CampaignRepository } from "./store/campaign-repository";
import { createCampaignModel } from "./store/campaign.model";

/**
 * The marketing-campaign service on the kit's runtime (MongoDB, Redis, NATS, health): its models and
 * repositories, the relay that publishes their outbox, its consumers, its gRPC service. main.ts
 * runs it as a process; the tests run it in-process on free ports.
 */
export async function startMarketingCampaign(config: MarketingCampaignConfig) {
  const runtime = await ServiceRuntime.start("marketing-campaign", config);
  const models = { campaign: await createCampaignModel(runtime.mongo) };
  const relay = runtime.startOutboxRelay(Object.values(models));
  const deps = { campaigns: new CampaignRepository(models.campaign, relay.outboxOf(models.campaign)) };
  await startConsumers(runtime);
  const ports = await runtime.serve([marketingCampaignService(runtime.rpc, deps)]);
  return { runtime, relay, ports, models, deps };
}
