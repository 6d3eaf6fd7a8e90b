import { DUPLICATE_KEY, isDuplicateKey } from "@crm/kit";
import type { MatchKeyModel } from "./match-key.model";

/**
 * Reads and claims keys of the match-key index (see match-key.model.ts). The first holder of
 * a key creates its document; creating a document with a given _id is atomic on MongoDB and on
 * FerretDB alike, which makes "first one wins" safe without transactions.
 */
export class MatchKeyIndex {
  constructor(private readonly model: MatchKeyModel) {}

  /** Ids holding each key; keys nobody holds are absent. One read of the keys by primary key. */
  async lookup(tenantId: string, keys: string[]): Promise<Map<string, string[]>> {
    if (keys.length === 0) return new Map();
    const byId = new Map(keys.map((key) => [documentId(tenantId, key), key]));
    const documents = await this.model.find({ _id: { $in: [...byId.keys()] }, tenantId }, { ids: 1 }).lean();
    const found = new Map<string, string[]>();
    for (const document of documents) if (document.ids.length > 0) found.set(byId.get(document._id)!, document.ids);
    return found;
  }

  /**
   * Takes each key nobody else holds; returns the keys already held by others, with their
   * holders, without joining them (the caller decides, then calls add() to share them). Of
   * two concurrent claims of one free key, exactly one succeeds.
   */
  async claim(tenantId: string, keys: string[], id: string): Promise<Map<string, string[]>> {
    const held = new Map<string, string[]>();
    await Promise.all(
      keys.map(async (key) => {
        const _id = documentId(tenantId, key);
        try {
          await this.model.create({ _id, tenantId, ids: [id] });
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          const holders = ((await this.model.findOne({ _id, tenantId }, { ids: 1 }).lean())?.ids ?? []).filter((holder) => holder !== id);
          if (holders.length > 0) held.set(key, holders);
          // A key document left empty by a release: take it over.
          else await this.add(tenantId, [key], id);
        }
      }),
    );
    return held;
  }

  /**
   * Claims many keys in one write: each pair's key for its id, when nobody holds it yet. Returns
   * the keys that were already held (by anyone: look them up for the holders). One insert of
   * all the key documents, unordered, so that a key taken by another writer fails alone.
   */
  async claimAll(tenantId: string, claims: Array<{ key: string; id: string }>): Promise<Set<string>> {
    const held = new Set<string>();
    if (claims.length === 0) return held;
    const documents = claims.map(({ key, id }) => ({ _id: documentId(tenantId, key), tenantId, ids: [id] }));
    try {
      await this.model.collection.insertMany(documents as never[], { ordered: false });
    } catch (error) {
      for (const index of duplicateIndexes(error)) held.add(claims[index]!.key);
    }
    return held;
  }

  /**
   * Files ids under keys, shared with any other holders: one insert of the keys nobody held at
   * the last look-up (`known` says which were held), one update of the others. A key created
   * meanwhile by another writer is updated instead.
   */
  async file(tenantId: string, ids: ReadonlyMap<string, string[]>, known: ReadonlySet<string>): Promise<void> {
    const fresh = [...ids].filter(([key]) => !known.has(key));
    const shared = [...ids].filter(([key]) => known.has(key));
    if (fresh.length > 0) {
      try {
        await this.model.collection.insertMany(fresh.map(([key, holders]) => ({ _id: documentId(tenantId, key), tenantId, ids: holders })) as never[], { ordered: false });
      } catch (error) {
        for (const index of duplicateIndexes(error)) shared.push(fresh[index]!);
      }
    }
    await this.addEach(tenantId, shared);
  }

  /** Gives up keys; a key document nobody holds any more is removed, so that the next claim creates it. */
  async release(tenantId: string, keys: string[], id: string): Promise<void> {
    if (keys.length === 0) return;
    const filters = keys.map((key) => ({ _id: documentId(tenantId, key), tenantId }));
    await this.model.bulkWrite(filters.map((filter) => ({ updateOne: { filter, update: { $pull: { ids: id } } } })), { ordered: false });
    await this.model.bulkWrite(filters.map((filter) => ({ deleteOne: { filter: { ...filter, ids: { $size: 0 } } } })), { ordered: false });
  }

  /** Adds the id to keys, shared with any other holders. */
  async add(tenantId: string, keys: string[], id: string): Promise<void> {
    await this.addEach(tenantId, keys.map((key) => [key, [id]]));
  }

  /**
   * Adds ids to keys that exist, in one command: keys getting the same ids are updated by one
   * statement (one transaction on FerretDB, instead of one per key). A batch of rows files a
   * hundred or more groups, and a round trip each was a tenth of an import's time. When a key
   * was removed meanwhile, the additions are made again as upserts ($addToSet repeats nothing).
   */
  private async addEach(tenantId: string, additions: Array<[string, string[]]>): Promise<void> {
    if (additions.length === 0) return;
    const groups = new Map<string, { ids: string[]; keys: string[] }>();
    for (const [key, ids] of additions) {
      const group = groups.get(ids.join(","));
      if (group) group.keys.push(key);
      else groups.set(ids.join(","), { ids, keys: [key] });
    }
    const result = await this.model.bulkWrite(
      [...groups.values()].map(({ ids, keys }) => ({
        updateMany: { filter: { _id: { $in: keys.map((key) => documentId(tenantId, key)) }, tenantId }, update: { $addToSet: { ids: { $each: ids } } } },
      })),
      { ordered: false },
    );
    if (result.matchedCount < additions.length) await this.upsertEach(tenantId, additions);
  }

  /** Adds ids to each key, creating the keys that do not exist. */
  private async upsertEach(tenantId: string, additions: Array<[string, string[]]>): Promise<void> {
    const operations = additions.map(([key, ids]) => ({
      updateOne: { filter: { _id: documentId(tenantId, key), tenantId }, update: { $addToSet: { ids: { $each: ids } } }, upsert: true },
    }));
    // Two upserts of one new key may race; the loser's retry finds the document and updates it.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.model.bulkWrite(operations, { ordered: false });
        return;
      } catch (error) {
        if (!isDuplicateKey(error) || attempt === 3) throw error;
      }
    }
  }
}

/** The positions of the documents an unordered insert refused as duplicates; anything else is rethrown. */
function duplicateIndexes(error: unknown): number[] {
  const writeErrors = (error as { writeErrors?: Array<{ index: number; code: number }> | { index: number; code: number } }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  if (list.length === 0 || list.some((e) => e.code !== DUPLICATE_KEY)) throw error;
  return list.map((e) => e.index);
}

function documentId(tenantId: string, key: string): string {
  return `${tenantId}|${key}`;
}
