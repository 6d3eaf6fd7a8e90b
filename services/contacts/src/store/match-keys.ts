import type { MatchKeyModel } from "./match-key.model";

const DUPLICATE_KEY = 11000;

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
          if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
          const holders = ((await this.model.findOne({ _id, tenantId }, { ids: 1 }).lean())?.ids ?? []).filter((holder) => holder !== id);
          if (holders.length > 0) held.set(key, holders);
          // A key document left empty by a release: take it over.
          else await this.add(tenantId, [key], id);
        }
      }),
    );
    return held;
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
    if (keys.length === 0) return;
    const operations = keys.map((key) => ({
      updateOne: { filter: { _id: documentId(tenantId, key), tenantId }, update: { $addToSet: { ids: id } }, upsert: true },
    }));
    // Two upserts of one new key may race; the loser's retry finds the document and updates it.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.model.bulkWrite(operations, { ordered: false });
        return;
      } catch (error) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY || attempt === 3) throw error;
      }
    }
  }
}

function documentId(tenantId: string, key: string): string {
  return `${tenantId}|${key}`;
}
