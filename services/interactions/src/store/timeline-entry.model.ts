import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { RecordRef } from "../domain/links";

/**
 * One fact on the timelines of the records it links to. Its id is its event's id, or for facts
 * that follow a record (an interaction) the record's id, so that a redelivered or replayed event
 * finds the entry it made instead of adding one.
 */
export interface TimelineEntryDocument {
  _id: string;
  tenantId: string;
  kind: string;
  occurredAt: Date;
  summary: string;
  source: string;
  links: RecordRef[];
  about?: RecordRef;
  /** `type:id` of each link, merged contacts followed to their survivor: the timelines it is on. */
  refs: string[];
  /** The record's version the entry shows (1 for a fact of its own); an older one never replaces it. */
  version: number;
  /** The record is gone: a tombstone, on no timeline, that keeps a replayed older version out. */
  removed: boolean;
  /** When this service stored it: occurredAt to recordedAt is how late facts arrive. */
  recordedAt: Date;
}

const ref = new Schema({ type: { type: String, required: true }, id: { type: String, required: true } }, { _id: false });

const schema = new Schema<TimelineEntryDocument>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    summary: { type: String, default: "" },
    source: { type: String, required: true },
    links: { type: [ref], default: [] },
    about: { type: ref, required: false },
    refs: { type: [String], default: [] },
    version: { type: Number, required: true },
    removed: { type: Boolean, default: false },
    recordedAt: { type: Date, required: true },
  },
  { collection: "timeline_entries", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);

// A timeline is one record's entries in occurrence order, id last (the cursor's tie-breaker).
schema.index({ tenantId: 1, refs: 1, occurredAt: -1, _id: -1 });
// What merges and erasure look for: the records as the producers named them.
schema.index({ tenantId: 1, "links.id": 1 });

export type TimelineEntryModel = Model<TimelineEntryDocument>;

export const createTimelineEntryModel = (connection: Connection): Promise<TimelineEntryModel> => registerModel(connection, "TimelineEntry", schema);
