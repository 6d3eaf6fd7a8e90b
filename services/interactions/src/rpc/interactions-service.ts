import { interactionsV1 } from "@crm/proto";
import type { ServiceRegistration, ServiceRuntime } from "@crm/kit";
import type { InteractionRepository } from "../store/interaction-repository";
import { interactionHandlers } from "./interaction-handlers";

/** crm.interactions.v1.InteractionsService: add the handlers of each new resource here. */
export function interactionsService(rpc: ServiceRuntime["rpc"], deps: { interactions: InteractionRepository }): ServiceRegistration {
  return {
    name: "crm.interactions.v1.InteractionsService",
    definition: interactionsV1.InteractionsServiceService,
    implementation: { ...interactionHandlers(rpc, deps) },
  };
}
