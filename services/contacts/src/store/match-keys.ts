import type { MatchKeyModel } from "./match-key.model";

/** Reads and claims keys of the match-key index (see match-key.model.ts). */
export class MatchKeyIndex {
  constructor(private readonly model: MatchKeyModel) {}

  /** Ids holding each key; keys nobody holds are absent. One primary-key read per key. */
  async lookup(tenantId: string, keys: string[]): Promise<Map<string, string[]>> {
    const documents = await Promise.all(
      keys.map((key) => this.model.findOne({ _id: documentId(tenantId, key), tenantId }, { ids: 1 }).lean()),
    );
    const found = new Map<string, string[]>();
    documents.forEach((document, index) => {
      if (document && document.ids.length > 0) found.set(keys[index]!, document.ids);
    });
    return found;
  }

  /**
   * Adds the id to each key and returns the ids that held them before, atomically per key: of
   * two concurrent claims of one key, the second always sees the first.
   */
  async claim(tenantId: string, keys: string[], id: string): Promise<Map<string, string[]>> {
    const before = await Promise.all(
      keys.map((key) =>
        this.model
          .findOneAndUpdate({ _id: documentId(tenantId, key), tenantId }, { $addToSet: { ids: id } }, { upsert: true, new: false })
          .lean(),
      ),
    );
    const held = new Map<string, string[]>();
    before.forEach((document, index) => {
      const others = (document?.ids ?? []).filter((other) => other !== id);
      if (others.length > 0) held.set(keys[index]!, others);
    });
    return held;
  }

  async release(tenantId: string, keys: string[], id: string): Promise<void> {
    if (keys.length === 0) return;
    await this.model.bulkWrite(
      keys.map((key) => ({ updateOne: { filter: { _id: documentId(tenantId, key), tenantId }, update: { $pull: { ids: id } } } })),
      { ordered: false },
    );
  }

  /** Adds the id to keys without reading them (keys that only find candidates). */
  async add(tenantId: string, keys: string[], id: string): Promise<void> {
    if (keys.length === 0) return;
    await this.model.bulkWrite(
      keys.map((key) => ({
        updateOne: { filter: { _id: documentId(tenantId, key), tenantId }, update: { $addToSet: { ids: id } }, upsert: true },
      })),
      { ordered: false },
    );
  }
}

function documentId(tenantId: string, key: string): string {
  return `${tenantId}|${key}`;
}
