import { joinErasureSaga, type EventConsumer, type ServiceRuntime } from "@crm/kit";
import type { ContactFates } from "../store/contact-fates";
import type { ContactRepointing } from "../store/contact-repointing";
import type { SubjectErasure } from "../store/subject-erasure";
import type { TimelineRepository } from "../store/timeline-repository";
import { followContactFates } from "./contact-fates";
import { ingestTimelineSource } from "./timeline-ingest";
import { TIMELINE_SOURCES } from "./timeline-sources";

export interface ConsumerStores {
  timeline: TimelineRepository;
  fates: ContactFates;
  repointing: ContactRepointing;
  erasure: SubjectErasure;
}

/**
 * What this service listens to: the erasure saga (its interactions name people), what becomes
 * of contacts (merges, erasures), and every timeline source, one durable consumer each.
 */
export async function startConsumers(runtime: ServiceRuntime, stores: ConsumerStores, timelineBatch: number): Promise<EventConsumer[]> {
  const erasure = await joinErasureSaga(runtime, (request) => stores.erasure.erase(request));
  const fates = await followContactFates(runtime, stores);
  const timelines = await Promise.all(TIMELINE_SOURCES.map((source) => ingestTimelineSource(runtime, source, stores, timelineBatch)));
  return [erasure.consumer, fates, ...timelines];
}
