import { ServiceRuntime } from "@crm/kit";
import type { SalesPipelineConfig } from "./config";
import { startConsumers } from "./events/consumers";
import { salesPipelineService } from "./rpc/sales-pipeline-service";
import { LeadRepository } from "./store/lead-repository";
import { createLeadModel } from "./store/lead.model";

/**
 * The sales-pipeline service on the kit's runtime (MongoDB, Redis, NATS, health): its models and
 * repositories, the relay that publishes their outbox, its consumers, its gRPC service. main.ts
 * runs it as a process; the tests run it in-process on free ports.
 */
export async function startSalesPipeline(config: SalesPipelineConfig) {
  const runtime = await ServiceRuntime.start("sales-pipeline", config);
  const models = { lead: await createLeadModel(runtime.mongo) };
  const relay = runtime.startOutboxRelay(Object.values(models));
  const deps = { leads: new LeadRepository(models.lead, relay.outboxOf(models.lead)) };
  await startConsumers(runtime);
  const ports = await runtime.serve([salesPipelineService(runtime.rpc, deps)]);
  return { runtime, relay, ports, models, deps };
}
