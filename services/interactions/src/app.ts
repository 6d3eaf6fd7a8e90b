import { createSchedulerLeaseModel, SchedulerLeases, ServiceRuntime } from "@crm/kit";
import type { InteractionsConfig } from "./config";
import { startConsumers } from "./events/consumers";
import { OverdueScheduler } from "./events/overdue-scheduler";
import { interactionsService } from "./rpc/interactions-service";
import { createContactFateModel } from "./store/contact-fate.model";
import { ContactFates } from "./store/contact-fates";
import { ContactRepointing } from "./store/contact-repointing";
import { EngagementReads } from "./store/engagement-reads";
import { InteractionRepository } from "./store/interaction-repository";
import { createInteractionModel } from "./store/interaction.model";
import { SubjectErasure } from "./store/subject-erasure";
import { TaskRepository } from "./store/task-repository";
import { createTaskModel } from "./store/task.model";
import { TimelineRepository } from "./store/timeline-repository";
import { createTimelineEntryModel } from "./store/timeline-entry.model";

/**
 * The interactions service on the kit's runtime (MongoDB, Redis, NATS, health): its models and
 * repositories, the relay that publishes their outbox, its consumers (erasure, contact fates, one
 * per timeline source), the overdue scheduler, its gRPC service. main.ts runs it as a process;
 * the tests run it in-process on free ports.
 */
export async function startInteractions(config: InteractionsConfig) {
  const runtime = await ServiceRuntime.start("interactions", config);
  const { mongo, log } = runtime;
  const models = {
    interaction: await createInteractionModel(mongo),
    task: await createTaskModel(mongo),
    timelineEntry: await createTimelineEntryModel(mongo),
    contactFate: await createContactFateModel(mongo),
    schedulerLease: await createSchedulerLeaseModel(mongo),
  };
  const relay = runtime.startOutboxRelay([models.interaction, models.task]);
  const fates = new ContactFates(models.contactFate);
  const interactions = new InteractionRepository(models.interaction, relay.outboxOf(models.interaction), fates);
  const tasks = new TaskRepository(models.task, relay.outboxOf(models.task), fates);
  const timeline = new TimelineRepository(models.timelineEntry);
  const repointing = new ContactRepointing(fates, [interactions.contactLinks, tasks.contactLinks, timeline.contactLinks]);
  const erasure = new SubjectErasure({ interactions, tasks, timeline, fates });
  await startConsumers(runtime, { timeline, fates, repointing, erasure }, config.TIMELINE_BATCH);
  const scheduler = new OverdueScheduler({ tasks, leases: new SchedulerLeases(models.schedulerLease), log, pollMs: config.TASK_OVERDUE_POLL_MS, leaseMs: config.TASK_OVERDUE_LEASE_MS });
  runtime.runInBackground(scheduler);
  const deps = { interactions, tasks, timeline, engagement: new EngagementReads(models.interaction), dueAt: (at: Date) => scheduler.wake(at) };
  const ports = await runtime.serve([interactionsService(runtime.rpc, deps)]);
  return { runtime, relay, ports, models, deps, fates, erasure, scheduler };
}
