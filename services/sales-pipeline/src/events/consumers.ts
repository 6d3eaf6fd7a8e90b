import { holdsNoPersonalData, joinErasureSaga, type EventConsumer, type ServiceRuntime } from "@crm/kit";

/**
 * What this service listens to. Like every service it takes part in the erasure saga; it holds
 * no personal data yet, so it confirms each request with zero counts. When it does hold some,
 * give joinErasureSaga an eraser that erases and counts (services/contacts/src/store/contact-erasure.ts).
 * Other services' events: add a runtime.consumeEvents here (docs/extending.md, "Add a consumer").
 */
export async function startConsumers(runtime: ServiceRuntime): Promise<EventConsumer[]> {
  const erasure = await joinErasureSaga(runtime, holdsNoPersonalData);
  return [erasure.consumer];
}
