import { eventsV1 } from "@crm/proto";
import type { EventConsumer, ServiceRuntime } from "@crm/kit";
import type { ContactCache } from "../store/contact-cache";
import type { ContactRepository } from "../store/contact-repository";
import { CONSUMED } from "./subjects";

/**
 * What this service listens to beside erasure requests (app.ts joins that saga): interactions,
 * which keep each contact's "last interaction" current. The handler is safe to run twice.
 */
export async function startConsumers(runtime: ServiceRuntime, deps: { contacts: ContactRepository; cache: ContactCache }): Promise<EventConsumer[]> {
  return [
    await runtime.consumeEvents(CONSUMED.interactionLogged, "last-interaction", async ({ payload, tenantId: tenantHeader }) => {
      const event = eventsV1.InteractionLogged.decode(payload);
      const tenantId = event.meta?.tenantId || tenantHeader;
      const at = event.occurTime ?? event.meta?.occurTime;
      if (!tenantId || !at) throw new Error("interaction event without tenant or time");
      const touched = await deps.contacts.touchInteraction(tenantId, event.contactIds, at);
      await deps.cache.invalidate(tenantId, touched);
    }),
  ];
}
