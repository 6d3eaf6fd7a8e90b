import { interactionsV1 } from "@crm/proto";
import type { ServiceRegistration, ServiceRuntime } from "@crm/kit";
import type { EngagementReads } from "../store/engagement-reads";
import type { InteractionRepository } from "../store/interaction-repository";
import type { TimelineRepository } from "../store/timeline-repository";
import { interactionHandlers } from "./interaction-handlers";
import { taskHandlers, type TaskHandlerDependencies } from "./task-handlers";
import { timelineHandlers } from "./timeline-handlers";

/** Everything the handlers use, built once in app.ts. */
export interface InteractionsDependencies extends TaskHandlerDependencies {
  interactions: InteractionRepository;
  timeline: TimelineRepository;
  engagement: EngagementReads;
}

/** crm.interactions.v1.InteractionsService, its methods grouped by what they serve. */
export function interactionsService(rpc: ServiceRuntime["rpc"], deps: InteractionsDependencies): ServiceRegistration {
  return {
    name: "crm.interactions.v1.InteractionsService",
    definition: interactionsV1.InteractionsServiceService,
    implementation: { ...interactionHandlers(rpc, deps), ...taskHandlers(rpc, deps), ...timelineHandlers(rpc, deps) },
  };
}
