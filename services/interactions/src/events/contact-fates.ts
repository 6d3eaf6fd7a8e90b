import { eventsV1 } from "@crm/proto";
import type { EventConsumer, ReceivedEvent, ServiceRuntime } from "@crm/kit";
import type { ContactFates } from "../store/contact-fates";
import type { ContactRepointing } from "../store/contact-repointing";
import type { SubjectErasure } from "../store/subject-erasure";
import { CONTACT_FATE_EVENTS } from "./subjects";

export interface ContactFateStores {
  fates: ContactFates;
  repointing: ContactRepointing;
  erasure: SubjectErasure;
}

/**
 * Follows what becomes of contacts (durable consumer `<group>-contact-fates`): a merge makes
 * everything linked to the merged contact (interactions, tasks, timeline entries) be found
 * through the survivor, once, and an undone merge gives it back; an erased contact record has
 * its interactions and timeline entries erased. Applied in order of occurrence, not of arrival;
 * safe to run twice (repointing is idempotent, erasure finds nothing left to do).
 */
export async function followContactFates(runtime: ServiceRuntime, stores: ContactFateStores): Promise<EventConsumer> {
  return runtime.consumeEvents({ service: CONTACT_FATE_EVENTS.service, subject: CONTACT_FATE_EVENTS.subjects }, "contact-fates", (event) => applyFate(event, stores));
}

async function applyFate(event: ReceivedEvent, { fates, repointing, erasure }: ContactFateStores): Promise<void> {
  const [merged, undone, erased] = CONTACT_FATE_EVENTS.subjects;
  if (event.subject === merged) {
    const { meta, survivorId, mergedId, mergeId } = eventsV1.ContactMerged.decode(event.payload);
    const tenantId = tenantOf(meta, event);
    await fates.recordMerge(tenantId, { mergedId, survivorId, mergeId }, occurrence(meta, event));
    // Also when the merge was recorded before: a crash may have come between the two steps.
    await repointing.afterFateOf(tenantId, mergedId);
  } else if (event.subject === undone) {
    const { meta, restoredId, mergeId } = eventsV1.ContactMergeUndone.decode(event.payload);
    const tenantId = tenantOf(meta, event);
    await fates.recordUndo(tenantId, restoredId, mergeId, occurrence(meta, event));
    await repointing.afterFateOf(tenantId, restoredId);
  } else if (event.subject === erased) {
    const { meta, contactId } = eventsV1.ContactErased.decode(event.payload);
    await erasure.eraseContact(tenantOf(meta, event), contactId);
  }
}

function tenantOf(meta: eventsV1.ContactMerged["meta"], event: ReceivedEvent): string {
  const tenantId = meta?.tenantId || event.tenantId;
  if (!tenantId) throw new Error(`${event.subject}: event without a tenant`);
  return tenantId;
}

function occurrence(meta: eventsV1.ContactMerged["meta"], event: ReceivedEvent): Date {
  if (!meta?.occurTime) throw new Error(`${event.subject}: event without its occur_time`);
  return meta.occurTime;
}
