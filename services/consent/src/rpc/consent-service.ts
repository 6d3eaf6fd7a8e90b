import { consentV1 } from "@crm/proto";
import type { ServiceRegistration, ServiceRuntime } from "@crm/kit";
import type { PurposeRepository } from "../store/purpose-repository";
import { purposeHandlers } from "./purpose-handlers";

/** crm.consent.v1.ConsentService: add the handlers of each new resource here. */
export function consentService(rpc: ServiceRuntime["rpc"], deps: { purposes: PurposeRepository }): ServiceRegistration {
  return {
    name: "crm.consent.v1.ConsentService",
    definition: consentV1.ConsentServiceService,
    implementation: { ...purposeHandlers(rpc, deps) },
  };
}
