import { isDuplicateKey, listFilter, type ListQuery, type Page, paginate } from "@crm/kit";
import type { AnyBulkWriteOperation } from "mongoose";
import { linksErasedContact, refKey, resolvedRefs, type ContactResolution, type RecordRef } from "../domain/links";
import { DEFAULT_TIMELINE_ORDER, TIMELINE_LIST_FIELDS } from "../domain/list-fields";
import type { TimelineEntry, TimelineFact } from "../domain/timeline";
import type { ContactLinkedCollection } from "./contact-links";
import type { TimelineEntryDocument, TimelineEntryModel } from "./timeline-entry.model";

/** A fact to store: under which id, reported by which service, with what its contacts stand for now. */
export interface FactToRecord {
  tenantId: string;
  /** The event's id, used when the fact does not follow a record. */
  eventId: string;
  source: string;
  fact: TimelineFact;
  resolution: ContactResolution;
}

/**
 * The timelines: each fact stored once, on every timeline its links name, read in order of
 * occurrence. Storing is idempotent and safe to replay: a fact's entry is keyed by its event
 * (or the record it follows), an older version of a record never replaces a newer one, a removed
 * record leaves a tombstone, and a fact that names an erased contact is not stored at all.
 */
export class TimelineRepository {
  constructor(private readonly model: TimelineEntryModel) {}

  /** Stores facts that arrived together, in one bulk write; returns how many were written (new or newer). */
  async record(facts: FactToRecord[]): Promise<number> {
    const now = new Date();
    const writes = facts.flatMap((fact) => entryWrite(fact, now) ?? []);
    if (writes.length === 0) return 0;
    try {
      const result = await this.model.bulkWrite(writes, { ordered: false });
      return result.upsertedCount + result.modifiedCount;
    } catch (error) {
      // A stale version of a record collides with the newer entry's id: nothing to store, by design.
      if (!isDuplicateKey(error)) throw error;
      const result = (error as { result?: { upsertedCount?: number; modifiedCount?: number } }).result;
      return (result?.upsertedCount ?? 0) + (result?.modifiedCount ?? 0);
    }
  }

  /** One page of a record's timeline, newest first unless asked otherwise. */
  async list(tenantId: string, record: RecordRef, query: ListQuery): Promise<Page<TimelineEntry>> {
    const filter = listFilter(tenantId, query.filter, TIMELINE_LIST_FIELDS, { refs: refKey(record) });
    const page = await paginate<TimelineEntryDocument>(this.model, filter, TIMELINE_LIST_FIELDS, { orderBy: query.orderBy, page: query.page, defaultOrder: DEFAULT_TIMELINE_ORDER });
    return { items: page.items.map(toEntry), pageInfo: page.pageInfo };
  }

  /** Removes every entry that names any of these contacts (an erasure); returns how many went. */
  async removeNaming(tenantId: string, contactIds: string[]): Promise<number> {
    if (contactIds.length === 0) return 0;
    return (await this.model.deleteMany({ tenantId, "links.id": { $in: contactIds } })).deletedCount;
  }

  get contactLinks(): ContactLinkedCollection<TimelineEntryDocument> {
    return { model: this.model, contactPath: "links.id", projection: { links: 1, removed: 1 }, linksOf: (document) => (document.removed ? [] : document.links) };
  }
}

/** The upsert that stores one fact, or nothing when the fact names an erased contact. */
function entryWrite({ tenantId, eventId, source, fact, resolution }: FactToRecord, now: Date): AnyBulkWriteOperation | undefined {
  const removed = fact.record?.removed === true;
  if (!removed && linksErasedContact(fact.links, resolution)) return undefined;
  const entry: Omit<TimelineEntryDocument, "_id" | "tenantId"> = {
    kind: fact.kind,
    occurredAt: fact.occurredAt,
    // A tombstone keeps nothing of what the record said or linked.
    summary: removed ? "" : fact.summary,
    source,
    links: removed ? [] : fact.links,
    ...(fact.about ? { about: fact.about } : {}),
    refs: removed ? [] : resolvedRefs(fact.links, resolution),
    version: fact.record?.version ?? 1,
    removed,
    recordedAt: now,
  };
  if (!fact.record) {
    // A fact of its own: the first delivery stores it, any later one finds it and changes nothing.
    return { updateOne: { filter: { _id: eventId, tenantId }, update: { $setOnInsert: entry }, upsert: true } };
  }
  // A record's entry: a newer version replaces it; an older one matches nothing, tries to insert, and collides.
  return { updateOne: { filter: { _id: fact.record.id, tenantId, version: { $lt: entry.version } }, update: { $set: entry }, upsert: true } };
}

function toEntry(document: TimelineEntryDocument): TimelineEntry {
  const { _id, refs: _refs, removed: _removed, recordedAt: _recordedAt, ...rest } = document;
  return { ...rest, id: _id };
}
