import { eventsV1 } from "@crm/proto";
import { joinErasureSaga, type EventConsumer, type ServiceRuntime } from "@crm/kit";
import type { SubjectRequestCoordinator } from "../rpc/subject-request-coordinator";
import type { ConsentErasure } from "../store/consent-erasure";
import type { ConsentMerges } from "../store/consent-merges";
import { CONSUMED, erasureConfirmationsOf } from "./subjects";

export interface ConsumerDependencies {
  erasure: ConsentErasure;
  merges: ConsentMerges;
  coordinator: SubjectRequestCoordinator;
  /** Every registered service, whose erasure confirmations the coordinator counts. */
  services: string[];
}

/**
 * What this service listens to: erasure requests (its own part, as every service's), every
 * registered service's erasure confirmations (it coordinates the saga) and contact merges (the
 * merged contact's consents follow the survivor). Every handler is safe to run twice.
 */
export async function startConsumers(runtime: ServiceRuntime, deps: ConsumerDependencies): Promise<EventConsumer[]> {
  const erasure = await joinErasureSaga(runtime, (request) => deps.erasure.erase(request));
  const confirmations = await Promise.all(
    deps.services.map((service) =>
      runtime.consumeEvents(erasureConfirmationsOf(service), `erasure-confirmations-${service}`, async ({ payload, tenantId: tenantHeader }) => {
        const confirmation = eventsV1.SubjectErasureCompleted.decode(payload);
        // Another deployment's service (several share one NATS) answered its own request.
        if (confirmation.deployment !== runtime.config.DEPLOYMENT) return;
        const tenantId = confirmation.meta?.tenantId || tenantHeader;
        if (!tenantId || !confirmation.requestId) throw new Error("erasure confirmation without tenant or request id");
        await deps.coordinator.erasureConfirmed(tenantId, confirmation.requestId, service, {
          erased: Number(confirmation.erased),
          anonymised: Number(confirmation.anonymised),
        });
      }),
    ),
  );
  const merges = await runtime.consumeEvents(CONSUMED.contactMerged, "contact-merged", async ({ payload, tenantId: tenantHeader }) => {
    const merge = eventsV1.ContactMerged.decode(payload);
    const tenantId = merge.meta?.tenantId || tenantHeader;
    if (!tenantId || !merge.survivorId || !merge.mergedId) throw new Error("contact merge without tenant or contacts");
    await deps.merges.merged(tenantId, merge, merge.meta?.occurTime ?? new Date());
  });
  return [erasure.consumer, ...confirmations, merges];
}
