import { createSchedulerLeaseModel, SchedulerLeases, ServiceRuntime } from "@crm/kit";
import type { SupportTicketsConfig } from "./config";
import { startConsumers } from "./events/consumers";
import { SlaScheduler } from "./events/sla-scheduler";
import { RequesterDirectory } from "./rpc/requester-directory";
import { supportTicketsService } from "./rpc/support-tickets-service";
import { createCalendarModel } from "./store/calendar.model";
import { FeedbackRepository } from "./store/feedback-repository";
import { createFeedbackModel } from "./store/feedback.model";
import { createRecalculationModel } from "./store/recalculation.model";
import { RequesterMerges } from "./store/requester-merges";
import { SettingsRepository } from "./store/settings-repository";
import { createSlaPolicyModel } from "./store/sla-policy.model";
import { SlaRecalculation } from "./store/sla-recalculation";
import { SlaSettingsReader } from "./store/sla-settings";
import { SupportMetricsReads } from "./store/support-metrics";
import { TicketErasure } from "./store/ticket-erasure";
import { TicketRepository } from "./store/ticket-repository";
import { createTicketModel } from "./store/ticket.model";
import type { CalendarFields } from "./domain/calendar";
import { derivedLinkKey } from "./domain/feedback";
import type { SlaPolicyFields } from "./domain/sla-policy";

/**
 * The support-tickets service on the kit's runtime (MongoDB, Redis, NATS, health): its models and
 * repositories, the relay that publishes their outbox, its consumers (erasure, contact merges),
 * the SLA scheduler (alerts, escalations, recalculations), the contacts client, its gRPC service.
 * main.ts runs it as a process; the tests run it in-process on free ports.
 */
export async function startSupportTickets(config: SupportTicketsConfig) {
  const runtime = await ServiceRuntime.start("support-tickets", config);
  const { mongo, log } = runtime;
  const models = {
    ticket: await createTicketModel(mongo),
    feedback: await createFeedbackModel(mongo),
    policy: await createSlaPolicyModel(mongo),
    calendar: await createCalendarModel(mongo),
    recalculation: await createRecalculationModel(mongo),
    schedulerLease: await createSchedulerLeaseModel(mongo),
  };
  const relay = runtime.startOutboxRelay([models.ticket, models.feedback]);
  const tickets = new TicketRepository(models.ticket, relay.outboxOf(models.ticket));
  const feedback = new FeedbackRepository(models.feedback, relay.outboxOf(models.feedback));
  const policies = new SettingsRepository<SlaPolicyFields>(models.policy, "policy");
  const calendars = new SettingsRepository<CalendarFields>(models.calendar, "calendar");
  const settings = new SlaSettingsReader(policies, calendars, config.SLA_MINUTE_MS);
  const recalculation = new SlaRecalculation({ tickets, policies, calendars, settings, progress: models.recalculation });
  await startConsumers(runtime, { erasure: new TicketErasure(tickets, feedback), merges: new RequesterMerges(tickets, feedback) });
  const scheduler = new SlaScheduler({ tickets, settings, recalculation, leases: new SchedulerLeases(models.schedulerLease), log, pollMs: config.SLA_POLL_MS, leaseMs: config.SLA_LEASE_MS });
  runtime.runInBackground(scheduler);
  const requesters = new RequesterDirectory(config.CONTACTS_ADDRESS, { identitySigningKey: config.IDENTITY_SIGNING_KEY, timeoutMs: config.CONTACTS_TIMEOUT_MS });
  // The channel to contacts closes with the background work, after gRPC has drained.
  runtime.runInBackground({ start: () => undefined, stop: async () => requesters.close() });
  const deps = {
    tickets,
    settings,
    requesters,
    policies,
    calendars,
    feedback,
    metrics: new SupportMetricsReads(models.ticket),
    linkKey: config.FEEDBACK_LINK_KEY ?? derivedLinkKey(config.IDENTITY_SIGNING_KEY),
    linkTtlMs: config.FEEDBACK_LINK_TTL_HOURS * 3600_000,
    watch: (ticket: Parameters<typeof scheduler.wakeFor>[0]) => scheduler.wakeFor(ticket),
    recalculate: () => scheduler.wake(new Date()),
  };
  const ports = await runtime.serve([supportTicketsService(runtime.rpc, deps)]);
  return { runtime, relay, ports, models, deps, scheduler, recalculation, requesters };
}
