import { eventsV1 } from "@crm/proto";
import type { EventConsumer } from "../bus/consumer";
import type { EventSource, ServiceRuntime } from "../runtime";
import { createErasureReceiptModel } from "./erasure-receipt.model";
import { ErasureSaga, type Eraser } from "./erasure-saga";

/** Erasure requests, published by the consent service to every service. */
export const ERASURE_REQUESTED = { service: "consent", subject: "crm.consent.subject.erasure_requested" } as const satisfies EventSource;

/**
 * Makes this service take part in the erasure saga: a durable consumer `<group>-erasure` hands
 * each request of its deployment to the saga, whose receipts' outbox the runtime's relay
 * publishes. Call after startOutboxRelay.
 */
export async function joinErasureSaga(runtime: ServiceRuntime, erase: Eraser): Promise<{ saga: ErasureSaga; consumer: EventConsumer }> {
  const receipts = await createErasureReceiptModel(runtime.mongo);
  const relay = runtime.outboxRelay;
  relay.track(receipts);
  const deployment = runtime.config.DEPLOYMENT;
  const saga = new ErasureSaga(runtime.service, receipts, erase, relay.outboxOf(receipts), deployment);
  const consumer = await runtime.consumeEvents(ERASURE_REQUESTED, "erasure", async (event) => {
    const request = eventsV1.SubjectErasureRequested.decode(event.payload);
    // Another deployment's request (several share one NATS): its own services answer it.
    if (request.deployment !== deployment) return;
    const tenantId = request.meta?.tenantId || event.tenantId;
    if (!tenantId || !request.requestId) throw new Error("erasure request without tenant or request id");
    const counts = await saga.handle({ tenantId, requestId: request.requestId, contactId: request.contactId, emails: request.emails, phones: request.phones });
    runtime.log.info({ requestId: request.requestId, ...counts }, "erasure request handled");
  });
  return { saga, consumer };
}
