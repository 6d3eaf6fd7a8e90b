import { ServiceRuntime } from "@crm/kit";
import type { InteractionsConfig } from "./config";
import { startConsumers } from "./events/consumers";
import { interactionsService } from "./rpc/interactions-service";
import { InteractionRepository } from "./store/interaction-repository";
import { createInteractionModel } from "./store/interaction.model";

/**
 * The interactions service on the kit's runtime (MongoDB, Redis, NATS, health): its models and
 * repositories, the relay that publishes their outbox, its consumers, its gRPC service. main.ts
 * runs it as a process; the tests run it in-process on free ports.
 */
export async function startInteractions(config: InteractionsConfig) {
  const runtime = await ServiceRuntime.start("interactions", config);
  const models = { interaction: await createInteractionModel(runtime.mongo) };
  const relay = runtime.startOutboxRelay(Object.values(models));
  const deps = { interactions: new InteractionRepository(models.interaction, relay.outboxOf(models.interaction)) };
  await startConsumers(runtime);
  const ports = await runtime.serve([interactionsService(runtime.rpc, deps)]);
  return { runtime, relay, ports, models, deps };
}
