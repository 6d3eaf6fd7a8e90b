import { eventsV1 } from "@crm/proto";
import { serviceStream, type EventConsumer, type ServiceRuntime } from "@crm/kit";
import type { ContactCache } from "../store/contact-cache";
import type { ContactErasure } from "../store/contact-erasure";
import type { ContactRepository } from "../store/contact-repository";
import { CONSUMED } from "./subjects";

/**
 * What this service listens to: erasure requests from consent, and interactions, which keep
 * each contact's "last interaction" current. Each consumer is durable and named
 * `<group>-<purpose>` (NATS forbids dots in durable names); each handler is safe to run twice.
 */
export async function startConsumers(
  runtime: ServiceRuntime,
  deps: { erasure: ContactErasure; contacts: ContactRepository; cache: ContactCache },
  group: string,
): Promise<EventConsumer[]> {
  const subscribe = async (source: { service: string; subject: string }, durable: string, handler: (payload: Uint8Array, tenantId: string) => Promise<void>) => {
    // The producer's stream, ensured here too, so that this service can start before its producer.
    const stream = serviceStream(source.service);
    await runtime.bus.ensureStream(stream.name, stream.subjects);
    return runtime.bus.consume({
      stream: stream.name,
      durable,
      filterSubjects: [source.subject],
      idempotency: runtime.idempotency,
      handler: (event) => handler(event.payload, event.tenantId),
    });
  };

  return Promise.all([
    subscribe(CONSUMED.erasureRequested, `${group}-erasure`, async (payload, tenantHeader) => {
      const request = eventsV1.SubjectErasureRequested.decode(payload);
      const tenantId = request.meta?.tenantId || tenantHeader;
      if (!tenantId || !request.requestId) throw new Error("erasure request without tenant or request id");
      const counts = await deps.erasure.erase({ tenantId, requestId: request.requestId, contactId: request.contactId, emails: request.emails, phones: request.phones });
      runtime.log.info({ requestId: request.requestId, ...counts }, "erasure request handled");
    }),
    subscribe(CONSUMED.interactionLogged, `${group}-last-interaction`, async (payload, tenantHeader) => {
      const event = eventsV1.InteractionLogged.decode(payload);
      const tenantId = event.meta?.tenantId || tenantHeader;
      const at = event.occurTime ?? event.meta?.occurTime;
      if (!tenantId || !at) throw new Error("interaction event without tenant or time");
      const touched = await deps.contacts.touchInteraction(tenantId, event.contactIds, at);
      await deps.cache.invalidate(tenantId, touched);
    }),
  ]);
}
