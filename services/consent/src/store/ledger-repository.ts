import { setTimeout as sleep } from "node:timers/promises";
import { TenantRepository, UnavailableError, uuidv7, type ListQuery, type ModelOutbox, type Page, isDuplicateKey } from "@crm/kit";
import { DEFAULT_HISTORY_ORDER, HISTORY_LIST_FIELDS } from "../domain/list-fields";
import { ChainVerifier, GENESIS_HASH, entryHash, newSalt, personalDigest, type ChainBreak, type ChainedFields, type PersonalData, type StoredEntry } from "../domain/ledger-chain";
import { consentChanged } from "../events/consent-events";
import type { LedgerEntryDocument, LedgerEntryModel } from "./ledger-entry.model";

/** Appends that lost the race to another writer this often in a row give up (UNAVAILABLE: retry). */
const MAX_ATTEMPTS = 50;

/** An entry to append: everything but its place in the chain (seq, prevHash, hash), decided as it is written. */
export type NewEntry = Omit<ChainedFields, "tenantId" | "seq" | "prevHash" | "personalDigest"> & {
  /** A consent entry's subject, IP address and user agent; none for an erasure record. */
  personal?: PersonalData;
  requestKey: string;
  /** Whether it changes a consent, announced by consent.changed. */
  announce: boolean;
};

export interface LedgerVerification {
  intact: boolean;
  checked: number;
  headSeq: number;
  headHash: string;
  firstBreak?: ChainBreak | undefined;
}

/**
 * The only code that reads and writes the ledger. Appends are race-safe without transactions:
 * a writer reads the head, chains its entries after it and inserts them; the unique position
 * index refuses all but one of writers that read the same head, and the others chain again
 * after the new head.
 */
export class LedgerRepository extends TenantRepository<LedgerEntryDocument> {
  constructor(
    model: LedgerEntryModel,
    private readonly relay: ModelOutbox,
  ) {
    super(model, relay);
  }

  /** Appends entries in order; one whose request key is stored already answers the stored entry. */
  async append(tenantId: string, items: NewEntry[]): Promise<StoredEntry[]> {
    const stored = new Map<string, StoredEntry>();
    let pending = items;
    for (let attempt = 1; pending.length > 0; attempt++) {
      // Entries already under these keys: a repeated request, or ours from a pass that clashed half-way.
      for (const document of await this.model.find({ tenantId, requestKey: { $in: pending.map((item) => item.requestKey) } }, { outbox: 0 }).lean<LedgerEntryDocument[]>()) {
        stored.set(document.requestKey, toEntry(document));
        if (document.outboxSince) this.relay.changed(document._id);
      }
      pending = pending.filter((item) => !stored.has(item.requestKey));
      if (pending.length === 0) break;
      if (attempt > MAX_ATTEMPTS) throw new UnavailableError("the ledger is busy with other writers; retry with the same request ids");
      const documents = chain(tenantId, await this.head(tenantId), pending, new Date());
      try {
        await this.model.insertMany(documents, { ordered: true });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        await sleep(Math.random() * 5 * attempt);
        continue;
      }
      this.relay.inserted(documents.filter((document) => document.outbox.length > 0).map((document) => ({ id: document._id, events: document.outbox, since: document.outboxSince! })));
      for (const document of documents) stored.set(document.requestKey, toEntry(document));
      pending = [];
    }
    return items.map((item) => stored.get(item.requestKey)!);
  }

  async history(tenantId: string, query: ListQuery): Promise<Page<StoredEntry>> {
    const page = await this.page(tenantId, query, { fields: HISTORY_LIST_FIELDS, defaultOrder: DEFAULT_HISTORY_ORDER });
    return { items: page.items.map(toEntry), pageInfo: page.pageInfo };
  }

  /** Every entry about a subject, in ledger order (for its access export). */
  async ofSubject(tenantId: string, subjectId: string): Promise<StoredEntry[]> {
    return (await this.model.find({ tenantId, subjectId }, { outbox: 0 }).sort({ seq: 1 }).lean<LedgerEntryDocument[]>()).map(toEntry);
  }

  /** Reads the tenant's whole chain in order and checks it (domain/ledger-chain.ts); stops at the first break. */
  async verify(tenantId: string): Promise<LedgerVerification> {
    const verifier = new ChainVerifier();
    const cursor = this.model.find({ tenantId }, { outbox: 0 }).sort({ seq: 1 }).batchSize(1_000).lean<LedgerEntryDocument[]>().cursor();
    let headSeq = 0;
    for await (const document of cursor) {
      const firstBreak = verifier.check(toEntry(document as LedgerEntryDocument));
      if (firstBreak) {
        await cursor.close();
        return { intact: false, checked: verifier.checked, headSeq, headHash: verifier.headHash, firstBreak };
      }
      headSeq = (document as LedgerEntryDocument).seq;
    }
    const firstBreak = verifier.finish();
    return { intact: !firstBreak, checked: verifier.checked, headSeq, headHash: verifier.headHash, firstBreak };
  }

  /**
   * Removes a subject's personal data from its entries (subject, IP address, user agent and the
   * salt that made their digest), naming the erasure request; their digests keep the chain whole.
   */
  async eraseSubject(tenantId: string, subjectId: string, requestId: string): Promise<number> {
    const result = await this.model.updateMany(
      { tenantId, subjectId },
      { $unset: { subjectId: "", ipAddress: "", userAgent: "", personalSalt: "" }, $set: { erasedBy: requestId } },
    );
    return result.modifiedCount;
  }

  /**
   * Consent entries whose state and cache were not brought up to date in time (their writer
   * stopped half-way), in any tenant: the raw collection, as the outbox relay reads across tenants.
   */
  async awaitingProjection(writtenBefore: Date, limit: number): Promise<StoredEntry[]> {
    const documents = await this.model.collection.find({ projectionPendingSince: { $lte: writtenBefore } }, { projection: { outbox: 0 }, limit }).toArray();
    return (documents as unknown as LedgerEntryDocument[]).map(toEntry);
  }

  /** These entries' states and cache are up to date. */
  async projected(tenantId: string, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.model.updateMany({ tenantId, _id: { $in: ids } }, { $unset: { projectionPendingSince: "" } });
  }

  private async head(tenantId: string): Promise<{ seq: number; hash: string }> {
    const head = await this.model.findOne({ tenantId }, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean();
    return head ? { seq: head.seq, hash: head.hash } : { seq: 0, hash: GENESIS_HASH };
  }
}

/** The documents of entries chained after `head`, each with its consent.changed event when it announces one. */
function chain(tenantId: string, head: { seq: number; hash: string }, items: NewEntry[], now: Date): LedgerEntryDocument[] {
  let { seq, hash: prevHash } = head;
  return items.map(({ personal, requestKey, announce, ...item }) => {
    const salt = personal ? newSalt() : undefined;
    const fields: ChainedFields = { ...item, tenantId, seq: ++seq, prevHash, personalDigest: personal && salt ? personalDigest(salt, personal) : "" };
    const entry: StoredEntry = { ...fields, id: uuidv7(now.getTime()), hash: entryHash(fields), ...personal, personalSalt: salt };
    prevHash = entry.hash;
    const events = announce && entry.subjectId ? [consentChanged({ ...entry, subjectId: entry.subjectId })] : [];
    const { id, ...rest } = entry;
    return {
      ...rest,
      _id: id,
      requestKey,
      ...(item.kind === "consent" ? { projectionPendingSince: now } : {}),
      outbox: events,
      ...(events.length > 0 ? { outboxSince: now } : {}),
    };
  });
}

function toEntry(document: LedgerEntryDocument): StoredEntry {
  const { _id, requestKey: _key, projectionPendingSince: _pending, outbox: _outbox, outboxSince: _since, ...entry } = document;
  return { ...entry, id: _id };
}
