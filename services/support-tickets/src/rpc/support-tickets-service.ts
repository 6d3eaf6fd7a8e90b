import { supportTicketsV1 } from "@crm/proto";
import type { ServiceRegistration, ServiceRuntime } from "@crm/kit";
import { feedbackHandlers, type FeedbackDeps } from "./feedback-handlers";
import { metricsHandlers } from "./metrics-handlers";
import { settingsHandlers, type SettingsDeps } from "./settings-handlers";
import { ticketHandlers, type TicketDeps } from "./ticket-handlers";
import type { SupportMetricsReads } from "../store/support-metrics";

export type SupportTicketsDeps = TicketDeps & SettingsDeps & FeedbackDeps & { metrics: SupportMetricsReads };

/** crm.support_tickets.v1.SupportTicketsService: tickets, SLA settings, feedback and metrics. */
export function supportTicketsService(rpc: ServiceRuntime["rpc"], deps: SupportTicketsDeps): ServiceRegistration {
  const implementation: supportTicketsV1.SupportTicketsServiceServer = {
    ...ticketHandlers(rpc, deps),
    ...settingsHandlers(rpc, deps),
    ...feedbackHandlers(rpc, deps),
    ...metricsHandlers(rpc, deps),
  };
  return { name: "crm.support_tickets.v1.SupportTicketsService", definition: supportTicketsV1.SupportTicketsServiceService, implementation };
}
