import type { EventConsumer, ReceivedEvent, ServiceRuntime } from "@crm/kit";
import { contactIdsOf } from "../domain/links";
import type { ContactFates } from "../store/contact-fates";
import { settleContactLinks } from "../store/contact-links";
import type { FactToRecord, TimelineRepository } from "../store/timeline-repository";
import type { TimelineSource } from "./timeline-sources/source";

export interface TimelineIngestStores {
  timeline: TimelineRepository;
  fates: ContactFates;
}

/**
 * Reads one producer's events into timelines with a durable consumer `<group>-timeline-<service>`:
 * the events waiting are read as facts (timeline-sources), their contacts resolved (merged ones
 * to their survivor, erased ones drop the fact), and stored in one bulk write per tenant.
 * Idempotent (entries are keyed by event or record) and safe to replay; a batch that fails is
 * handled again one event at a time by the kit, so that only a poison event is parked.
 */
export async function ingestTimelineSource(runtime: ServiceRuntime, source: TimelineSource, stores: TimelineIngestStores, maxBatch: number): Promise<EventConsumer> {
  const bySubject = new Map(source.events.map((event) => [event.subject, event]));
  return runtime.consumeEventBatches(
    { service: source.service, subject: [...bySubject.keys()] },
    `timeline-${source.service}`,
    async (events) => recordFacts(events.flatMap((event) => readFact(source.service, bySubject, event)), stores),
    maxBatch,
  );
}

type Read = Omit<FactToRecord, "resolution">;

function readFact(service: string, bySubject: Map<string, TimelineSource["events"][number]>, event: ReceivedEvent): Read[] {
  const mapping = bySubject.get(event.subject);
  if (!mapping) return [];
  const { meta, fact } = mapping.read(event.payload);
  const tenantId = meta.tenantId || event.tenantId;
  if (!tenantId) throw new Error(`${event.subject}: event without a tenant`);
  return fact ? [{ tenantId, eventId: meta.eventId, source: service, fact }] : [];
}

/** Stores facts per tenant: one read of the contacts' fates, one bulk write, and a check that no merge slipped in between. */
export async function recordFacts(facts: Read[], { timeline, fates }: TimelineIngestStores): Promise<void> {
  const byTenant = new Map<string, Read[]>();
  for (const fact of facts) byTenant.set(fact.tenantId, [...(byTenant.get(fact.tenantId) ?? []), fact]);
  for (const [tenantId, tenantFacts] of byTenant) {
    const contactIds = [...new Set(tenantFacts.flatMap(({ fact }) => contactIdsOf(fact.links)))];
    const resolution = await fates.resolve(tenantId, contactIds);
    await timeline.record(tenantFacts.map((fact) => ({ ...fact, resolution })));
    await settleContactLinks(timeline.contactLinks, fates, tenantId, contactIds, resolution);
  }
}
