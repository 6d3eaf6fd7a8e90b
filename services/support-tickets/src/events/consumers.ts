import { eventsV1 } from "@crm/proto";
import { joinErasureSaga, type EventConsumer, type ReceivedEvent, type ServiceRuntime } from "@crm/kit";
import type { RequesterMerges } from "../store/requester-merges";
import type { TicketErasure } from "../store/ticket-erasure";
import { CONTACT_FATE_EVENTS } from "./subjects";

export interface ConsumerStores {
  erasure: TicketErasure;
  merges: RequesterMerges;
}

/**
 * What this service listens to: the erasure saga (tickets name their requesters), and what
 * becomes of contacts (durable `<group>-contact-fates`): a merged contact's tickets move to the
 * survivor, an undone merge gives them back, an erased contact record's tickets are anonymised
 * (as the saga would). All are safe to run twice.
 */
export async function startConsumers(runtime: ServiceRuntime, stores: ConsumerStores): Promise<EventConsumer[]> {
  const erasure = await joinErasureSaga(runtime, (request) => stores.erasure.erase(request));
  runtime.exportSubjectDataWith((request) => stores.erasure.export(request));
  const fates = await runtime.consumeEvents({ service: CONTACT_FATE_EVENTS.service, subject: CONTACT_FATE_EVENTS.subjects }, "contact-fates", (event) => applyFate(event, stores));
  return [erasure.consumer, fates];
}

async function applyFate(event: ReceivedEvent, { merges, erasure }: ConsumerStores): Promise<void> {
  const [merged, undone] = CONTACT_FATE_EVENTS.subjects;
  if (event.subject === merged) {
    const { meta, survivorId, mergedId } = eventsV1.ContactMerged.decode(event.payload);
    await merges.merged(tenantOf(meta, event), mergedId, survivorId);
  } else if (event.subject === undone) {
    const { meta, restoredId } = eventsV1.ContactMergeUndone.decode(event.payload);
    await merges.undone(tenantOf(meta, event), restoredId);
  } else {
    const { meta, contactId, requestId } = eventsV1.ContactErased.decode(event.payload);
    await erasure.erase({ tenantId: tenantOf(meta, event), requestId: requestId || `contact-erased:${contactId}`, contactId, emails: [], phones: [] });
  }
}

function tenantOf(meta: eventsV1.ContactMerged["meta"], event: ReceivedEvent): string {
  const tenantId = meta?.tenantId || event.tenantId;
  if (!tenantId) throw new Error(`${event.subject}: event without a tenant`);
  return tenantId;
}
