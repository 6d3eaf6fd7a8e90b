import { eventsV1 } from "@crm/proto";
import { joinErasureSaga, type EventConsumer, type ReceivedEvent, type ServiceRuntime } from "@crm/kit";
import { campaignLabel, interactionLabel } from "../domain/scoring";
import type { ContactMerges } from "../store/contact-merges";
import type { LeadScoring } from "../store/lead-scoring";
import type { SignalDocument } from "../store/signal.model";
import type { SignalRepository } from "../store/signal-repository";
import type { SubjectErasure } from "../store/subject-erasure";
import { CONSUMED } from "./subjects";

export interface ConsumerStores {
  signals: SignalRepository;
  scoring: LeadScoring;
  merges: ContactMerges;
  erasure: SubjectErasure;
}

/**
 * What this service listens to, each a durable consumer safe to run twice: the erasure saga;
 * behaviour that scores leads (interactions logged, campaign responses: stored once per event
 * and contact, then the contacts' leads are scored again); and contact merges (references
 * follow the survivor).
 */
export async function startConsumers(runtime: ServiceRuntime, stores: ConsumerStores): Promise<EventConsumer[]> {
  const erasure = await joinErasureSaga(runtime, (request) => stores.erasure.erase(request));
  runtime.exportSubjectDataWith((request) => stores.erasure.export(request));
  const interactions = await runtime.consumeEvents(CONSUMED.interactions, "lead-behaviour-interactions", async (event) => {
    const { meta, interactionId, kind, contactIds, occurTime, summary } = eventsV1.InteractionLogged.decode(event.payload);
    const tenantId = tenantOf(meta, event);
    const occurredAt = occurTime ?? meta?.occurTime ?? new Date();
    await behaviour(stores, tenantId, contactIds.map((contactId) => signal(event, tenantId, contactId, kind, interactionLabel(kind, summary ?? ""), occurredAt, interactionId)));
  });
  const campaigns = await runtime.consumeEvents(CONSUMED.campaignResponses, "lead-behaviour-campaigns", async (event) => {
    const { meta, campaignId, campaignName, contactId, response } = eventsV1.CampaignResponseRecorded.decode(event.payload);
    const tenantId = tenantOf(meta, event);
    if (!contactId || !response) return;
    await behaviour(stores, tenantId, [signal(event, tenantId, contactId, `campaign_${response}`, campaignLabel(response, campaignName, campaignId), meta?.occurTime ?? new Date())]);
  });
  const merges = await runtime.consumeEvents(CONSUMED.contactMerged, "contact-merges", async (event) => {
    const { meta, survivorId, mergedId } = eventsV1.ContactMerged.decode(event.payload);
    await stores.merges.follow(tenantOf(meta, event), mergedId, survivorId);
  });
  return [erasure.consumer, interactions, campaigns, merges];
}

async function behaviour({ signals, scoring }: ConsumerStores, tenantId: string, found: SignalDocument[]): Promise<void> {
  if (found.length === 0) return;
  await signals.record(found);
  // Also when nothing was new: a crash may have come between storing and scoring.
  await scoring.behaviourOf(tenantId, [...new Set(found.map((s) => s.contactId))]);
}

function signal(event: ReceivedEvent, tenantId: string, contactId: string, behaviour: string, label: string, occurredAt: Date, recordId = ""): SignalDocument {
  return { _id: `${recordId || event.eventId}:${contactId}`, tenantId, contactId, behaviour, label, occurredAt };
}

function tenantOf(meta: { tenantId: string } | undefined, event: ReceivedEvent): string {
  const tenantId = meta?.tenantId || event.tenantId;
  if (!tenantId) throw new Error(`${event.subject}: event without a tenant`);
  return tenantId;
}
