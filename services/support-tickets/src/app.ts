import { ServiceRuntime } from "@crm/kit";
import type { SupportTicketsConfig } from "./config";
import { startConsumers } from "./events/consumers";
import { supportTicketsService } from "./rpc/support-tickets-service";
import { TicketRepository } from "./store/ticket-repository";
import { createTicketModel } from "./store/ticket.model";

/**
 * The support-tickets service on the kit's runtime (MongoDB, Redis, NATS, health): its models and
 * repositories, the relay that publishes their outbox, its consumers, its gRPC service. main.ts
 * runs it as a process; the tests run it in-process on free ports.
 */
export async function startSupportTickets(config: SupportTicketsConfig) {
  const runtime = await ServiceRuntime.start("support-tickets", config);
  const models = { ticket: await createTicketModel(runtime.mongo) };
  const relay = runtime.startOutboxRelay(Object.values(models));
  const deps = { tickets: new TicketRepository(models.ticket, relay.outboxOf(models.ticket)) };
  await startConsumers(runtime);
  const ports = await runtime.serve([supportTicketsService(runtime.rpc, deps)]);
  return { runtime, relay, ports, models, deps };
}
