import { consentV1 } from "@crm/proto";
import type { ServiceRegistration, ServiceRuntime } from "@crm/kit";
import { consentHandlers, type ConsentHandlerDependencies } from "./consent-handlers";
import { purposeHandlers } from "./purpose-handlers";
import { subjectRequestHandlers, type SubjectRequestHandlerDependencies } from "./subject-request-handlers";
import { suppressionHandlers } from "./suppression-handlers";
import type { SuppressionCache } from "../store/suppression-cache";
import type { SuppressionRepository } from "../store/suppression-repository";

/** Everything the handlers use, built once in app.ts. */
export type ConsentDependencies = ConsentHandlerDependencies &
  SubjectRequestHandlerDependencies & {
    suppressions: SuppressionRepository;
    suppressionCache: SuppressionCache;
  };

/** crm.consent.v1.ConsentService, its methods grouped by what they serve. */
export function consentService(rpc: ServiceRuntime["rpc"], deps: ConsentDependencies): ServiceRegistration {
  const implementation: consentV1.ConsentServiceServer = {
    ...purposeHandlers(rpc, deps),
    ...consentHandlers(rpc, deps),
    ...suppressionHandlers(rpc, deps),
    ...subjectRequestHandlers(rpc, deps),
  };
  return { name: "crm.consent.v1.ConsentService", definition: consentV1.ConsentServiceService, implementation };
}
