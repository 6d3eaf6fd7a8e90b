import { eventsV1 } from "@crm/proto";
import { joinErasureSaga, type EventConsumer, type ReceivedEvent, type ServiceRuntime } from "@crm/kit";
import type { RequesterMerges } from "../store/requester-merges";
import type { TicketErasure } from "../store/ticket-erasure";
import { CONTACT_MERGE_EVENTS } from "./subjects";

export interface ConsumerStores {
  erasure: TicketErasure;
  merges: RequesterMerges;
}

/**
 * What this service listens to: the erasure saga (tickets name their requesters), and contacts'
 * merges (durable `<group>-contact-merges`): a merged contact's tickets move to the survivor, an
 * undone merge gives them back. Both are safe to run twice.
 */
export async function startConsumers(runtime: ServiceRuntime, stores: ConsumerStores): Promise<EventConsumer[]> {
  const erasure = await joinErasureSaga(runtime, (request) => stores.erasure.erase(request));
  runtime.exportSubjectDataWith((request) => stores.erasure.export(request));
  const merges = await runtime.consumeEvents({ service: CONTACT_MERGE_EVENTS.service, subject: CONTACT_MERGE_EVENTS.subjects }, "contact-merges", (event) => applyMerge(event, stores.merges));
  return [erasure.consumer, merges];
}

async function applyMerge(event: ReceivedEvent, merges: RequesterMerges): Promise<void> {
  if (event.subject === CONTACT_MERGE_EVENTS.subjects[0]) {
    const { meta, survivorId, mergedId } = eventsV1.ContactMerged.decode(event.payload);
    await merges.merged(tenantOf(meta, event), mergedId, survivorId);
  } else {
    const { meta, restoredId } = eventsV1.ContactMergeUndone.decode(event.payload);
    await merges.undone(tenantOf(meta, event), restoredId);
  }
}

function tenantOf(meta: eventsV1.ContactMerged["meta"], event: ReceivedEvent): string {
  const tenantId = meta?.tenantId || event.tenantId;
  if (!tenantId) throw new Error(`${event.subject}: event without a tenant`);
  return tenantId;
}
