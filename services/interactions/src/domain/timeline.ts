import type { RecordRef } from "./links";

/**
 * One fact as a producer's event tells it, before it is stored on the timelines of the records
 * it links to. Timeline sources (events/timeline-sources) build these from events.
 */
export interface TimelineFact {
  /** call, email, deal.stage_changed...: what the timeline filters by. */
  kind: string;
  /** When it happened at its source (not when it arrived): timelines are in this order. */
  occurredAt: Date;
  summary: string;
  /** Every record whose timeline shows it. */
  links: RecordRef[];
  /** The record it is about, to open it. */
  about?: RecordRef | undefined;
  /**
   * For facts that follow one record through its versions (an interaction edited, then
   * deleted): one entry per record, a version never replaced by an older one, and `removed`
   * when the record is gone for good. Without it, each event is an entry of its own.
   */
  record?: { id: string; version: number; removed?: boolean } | undefined;
}

/** A fact as stored: on every timeline its links name, under the id of its event or its record. */
export interface TimelineEntry extends Omit<TimelineFact, "record"> {
  id: string;
  tenantId: string;
  /** The service that reported it. */
  source: string;
  version: number;
}
