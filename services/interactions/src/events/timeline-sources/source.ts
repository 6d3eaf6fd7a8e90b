import type { EventMeta } from "@crm/proto";
import type { RecordRef } from "../../domain/links";
import type { TimelineFact } from "../../domain/timeline";

/** A generated event message type (ts-proto) of the producer's protos: it decodes a payload. */
export interface EventDecoder<M> {
  decode(input: Uint8Array): M;
}

/** One event type of a producer, and how it becomes a fact on timelines. */
export interface TimelineEvent {
  subject: string;
  /**
   * The fact the payload tells, with the event's meta (its id and tenant); no fact for an event
   * that has nothing to show. Throws for a payload it cannot read (the event is retried, then parked).
   */
  read(payload: Uint8Array): { meta: EventMeta; fact: TimelineFact | undefined };
}

/** The events of one producing service that timelines show: one durable consumer reads them all. */
export interface TimelineSource {
  /** The producer, whose name gives its stream (CRM_<SERVICE>). */
  service: string;
  events: TimelineEvent[];
}

export function timelineSource(service: string, events: TimelineEvent[]): TimelineSource {
  return { service, events };
}

/**
 * One event type on timelines: its subject, its message type, and the fact it tells (kind,
 * summary, links, and when it happened: `occurredAt` is the event's occur_time unless the mapping
 * says otherwise, e.g. the time an interaction happened rather than when it was logged).
 */
export function timelineEvent<M extends { meta?: EventMeta | undefined }>(
  subject: string,
  message: EventDecoder<M>,
  toFact: (event: M, occurredAt: Date) => TimelineFact | undefined,
): TimelineEvent {
  return {
    subject,
    read(payload) {
      const event = message.decode(payload);
      const meta = event.meta;
      if (!meta?.occurTime || !meta.eventId) throw new Error(`${subject}: event without its meta (id and occur_time)`);
      return { meta, fact: toFact(event, meta.occurTime) };
    },
  };
}

/** Links by type, for the mappings: `contact(id)`, `deal(id)`; none for an empty id. */
export const link = (type: string) => (id: string): RecordRef[] => (id ? [{ type, id }] : []);
export const contact = link("contact");
export const organization = link("organization");
