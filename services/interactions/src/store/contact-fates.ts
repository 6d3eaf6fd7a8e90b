import { isDuplicateKey } from "@crm/kit";
import type { ContactResolution } from "../domain/links";
import type { ContactFateDocument, ContactFateModel } from "./contact-fate.model";

/** Merges chained deeper than this (a merged into b merged into c...) are not followed further. */
const MAX_CHAIN = 10;
/** The merge time of a fate no merge has touched yet, so that any merge is newer. */
const NEVER = new Date(0);

const fateId = (tenantId: string, contactId: string) => `${tenantId}|${contactId}`;

/**
 * What became of contacts (merged, unmerged, erased), as the contacts service announced it, and
 * what each contact id stands for now. Writes are idempotent and ordered by when the merge or
 * undo happened, so that a late or replayed event changes nothing.
 */
export class ContactFates {
  constructor(private readonly model: ContactFateModel) {}

  /**
   * What these contacts stand for now: merged ones followed to their survivor (through chains),
   * erased ones null; contacts without a fate are absent. One read when none has a fate.
   */
  async resolve(tenantId: string, contactIds: Iterable<string>): Promise<ContactResolution> {
    const asked = [...new Set(contactIds)];
    const fates = new Map<string, ContactFateDocument>();
    let pending = asked;
    for (let depth = 0; pending.length > 0 && depth <= MAX_CHAIN; depth++) {
      const found = await this.model.find({ tenantId, _id: { $in: pending.map((id) => fateId(tenantId, id)) } }).lean<ContactFateDocument[]>();
      for (const fate of found) fates.set(fate.contactId, fate);
      pending = found.flatMap((fate) => (!fate.erased && fate.mergedInto && !fates.has(fate.mergedInto) ? [fate.mergedInto] : []));
    }
    const resolution = new Map<string, string | null>();
    for (const id of asked) {
      let current: string | null = id;
      for (let depth = 0; current && depth <= MAX_CHAIN; depth++) {
        const fate = fates.get(current);
        if (!fate) break;
        if (fate.erased) current = null;
        else if (fate.mergedInto) current = fate.mergedInto;
        else break;
      }
      if (current !== id) resolution.set(id, current);
    }
    return resolution;
  }

  /** A contact and every contact merged into it, however deep: whose links a merge or an undo moves. */
  async withMergedInto(tenantId: string, contactId: string): Promise<string[]> {
    const all = new Set([contactId]);
    let frontier = [contactId];
    for (let depth = 0; frontier.length > 0 && depth < MAX_CHAIN; depth++) {
      const merged = await this.model.find({ tenantId, mergedInto: { $in: frontier } }, { contactId: 1 }).lean<Array<Pick<ContactFateDocument, "contactId">>>();
      frontier = merged.map((fate) => fate.contactId).filter((id) => !all.has(id));
      frontier.forEach((id) => all.add(id));
    }
    return [...all];
  }

  /** Records a merge; false when a later merge or undo of that contact was already recorded. */
  async recordMerge(tenantId: string, merge: { mergedId: string; survivorId: string; mergeId: string }, at: Date): Promise<boolean> {
    return this.changeMerge(tenantId, merge.mergedId, at, { $set: { mergedInto: merge.survivorId, mergeId: merge.mergeId } });
  }

  /** Records an undone merge: the contact stands for itself again. False when it came too late to matter. */
  async recordUndo(tenantId: string, restoredId: string, mergeId: string, at: Date): Promise<boolean> {
    return this.changeMerge(tenantId, restoredId, at, { $set: { mergeId }, $unset: { mergedInto: "" } });
  }

  /** Records contacts as erased, for good: what links them is dropped, now and when events about them arrive later. */
  async recordErased(tenantId: string, contactIds: string[]): Promise<void> {
    if (contactIds.length === 0) return;
    await this.model.bulkWrite(
      contactIds.map((contactId) => ({
        updateOne: {
          filter: { _id: fateId(tenantId, contactId), tenantId },
          update: { $set: { erased: true }, $setOnInsert: { contactId, mergeChangedAt: NEVER } },
          upsert: true,
        },
      })),
    );
  }

  /** Applies a merge change unless one that happened later is already recorded (the upsert then collides: stale). */
  private async changeMerge(tenantId: string, contactId: string, at: Date, change: { $set: Record<string, unknown>; $unset?: Record<string, ""> }): Promise<boolean> {
    try {
      const result = await this.model.updateOne(
        { _id: fateId(tenantId, contactId), tenantId, mergeChangedAt: { $lt: at } },
        { ...change, $set: { ...change.$set, contactId, mergeChangedAt: at }, $setOnInsert: { erased: false } },
        { upsert: true },
      );
      return result.modifiedCount + result.upsertedCount > 0;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}
