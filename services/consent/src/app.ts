import { ServiceRuntime } from "@crm/kit";
import type { ConsentConfig } from "./config";
import { startConsumers } from "./events/consumers";
import { consentService } from "./rpc/consent-service";
import { PurposeRepository } from "./store/purpose-repository";
import { createPurposeModel } from "./store/purpose.model";

/**
 * The consent service on the kit's runtime (MongoDB, Redis, NATS, health): its models and
 * repositories, the relay that publishes their outbox, its consumers, its gRPC service. main.ts
 * runs it as a process; the tests run it in-process on free ports.
 */
export async function startConsent(config: ConsentConfig) {
  const runtime = await ServiceRuntime.start("consent", config);
  const models = { purpose: await createPurposeModel(runtime.mongo) };
  const relay = runtime.startOutboxRelay(Object.values(models));
  const deps = { purposes: new PurposeRepository(models.purpose, relay.outboxOf(models.purpose)) };
  await startConsumers(runtime);
  const ports = await runtime.serve([consentService(runtime.rpc, deps)]);
  return { runtime, relay, ports, models, deps };
}
