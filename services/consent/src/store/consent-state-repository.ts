import { paginate, listFilter, type ListQuery, type Page, isDuplicateKey } from "@crm/kit";
import type { AnyBulkWriteOperation } from "mongoose";
import { statusOf, type ConsentAction } from "../domain/consent";
import type { SubjectStates } from "../domain/decision";
import type { StoredEntry } from "../domain/ledger-chain";
import { CONSENT_LIST_FIELDS, DEFAULT_CONSENT_ORDER } from "../domain/list-fields";
import { consentStateId, type ConsentStateDocument, type ConsentStateModel } from "./consent-state.model";

/** Subjects read per query when a check fills the cache, and queries in flight at once. */
const READ_BATCH = 1_000;
const READERS = 4;

/** The only code that reads and writes current consents (the ledger's projection). */
export class ConsentStateRepository {
  constructor(private readonly model: ConsentStateModel) {}

  /**
   * Brings the states of these consent entries up to date, in one write. Safe to repeat and in
   * any order: a state moves only to a later entry (an upsert on an older one clashes on the id
   * and is dropped).
   */
  async project(tenantId: string, entries: StoredEntry[]): Promise<void> {
    const now = new Date();
    const operations: AnyBulkWriteOperation<ConsentStateDocument>[] = [...latestPerState(entries)].map(([_id, entry]) => ({
      updateOne: {
        filter: { _id, tenantId, ledgerSeq: { $lt: entry.seq } },
        update: {
          $set: {
            subjectId: entry.subjectId!,
            purposeId: entry.purposeId,
            channel: entry.channel as ConsentStateDocument["channel"],
            status: statusOf(entry.action as ConsentAction),
            source: entry.source as ConsentStateDocument["source"],
            noticeVersion: entry.noticeVersion,
            changedAt: entry.occurredAt,
            ledgerSeq: entry.seq,
            updatedAt: now,
            ...(entry.expiresAt ? { expiresAt: entry.expiresAt } : {}),
          },
          ...(entry.expiresAt ? {} : { $unset: { expiresAt: "" } }),
        },
        upsert: true,
      },
    }));
    if (operations.length === 0) return;
    await this.model.bulkWrite(operations, { ordered: false }).catch((error: unknown) => {
      // A clash on the id: a later entry is there already.
      if (!isDuplicateKey(error)) throw error;
    });
  }

  /** The states of these subjects for a purpose, by subject (absent: no record), a thousand subjects per read, a few reads at a time. */
  async statesOf(tenantId: string, purposeId: string, subjectIds: string[]): Promise<Map<string, SubjectStates>> {
    const states = new Map<string, SubjectStates>();
    const batches = Array.from({ length: Math.ceil(subjectIds.length / READ_BATCH) }, (_, i) => subjectIds.slice(i * READ_BATCH, (i + 1) * READ_BATCH));
    let next = 0;
    const reader = async () => {
      for (let batch = batches[next++]; batch; batch = batches[next++]) {
        const documents = await this.model
          .find({ tenantId, purposeId, subjectId: { $in: batch } }, { subjectId: 1, channel: 1, status: 1, noticeVersion: 1, expiresAt: 1, ledgerSeq: 1 })
          .lean<Array<Pick<ConsentStateDocument, "subjectId" | "channel" | "status" | "noticeVersion" | "expiresAt" | "ledgerSeq">>>();
        for (const document of documents) {
          const subject = states.get(document.subjectId) ?? {};
          subject[document.channel] = {
            status: document.status,
            seq: document.ledgerSeq,
            noticeVersion: document.noticeVersion,
            ...(document.expiresAt ? { expiresAt: document.expiresAt.getTime() } : {}),
          };
          states.set(document.subjectId, subject);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(READERS, batches.length) }, reader));
    return states;
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<ConsentStateDocument>> {
    return paginate<ConsentStateDocument>(this.model, listFilter(tenantId, query.filter, CONSENT_LIST_FIELDS), CONSENT_LIST_FIELDS, {
      orderBy: query.orderBy,
      page: query.page,
      defaultOrder: DEFAULT_CONSENT_ORDER,
    });
  }

  async ofSubject(tenantId: string, subjectId: string): Promise<ConsentStateDocument[]> {
    return this.model.find({ tenantId, subjectId }).sort({ purposeId: 1, channel: 1 }).lean<ConsentStateDocument[]>();
  }

  /** Removes a subject's current consents (an erasure); returns how many. */
  async removeSubject(tenantId: string, subjectId: string): Promise<number> {
    return (await this.model.deleteMany({ tenantId, subjectId })).deletedCount;
  }
}

/** Of the consent entries, the latest for each state (a batch may hold a grant and its withdrawal), by state id. */
function latestPerState(entries: StoredEntry[]): Map<string, StoredEntry & { subjectId: string }> {
  const latest = new Map<string, StoredEntry & { subjectId: string }>();
  for (const entry of entries) {
    if (entry.kind !== "consent" || !entry.subjectId) continue;
    const id = consentStateId(entry.purposeId, entry.subjectId, entry.channel);
    if ((latest.get(id)?.seq ?? 0) < entry.seq) latest.set(id, { ...entry, subjectId: entry.subjectId });
  }
  return latest;
}
