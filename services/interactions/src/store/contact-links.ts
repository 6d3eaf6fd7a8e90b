import type { AnyBulkWriteOperation, Model } from "mongoose";
import { contactIdsOf, resolveContact, resolvedRefs, type ContactResolution, type RecordRef } from "../domain/links";
import type { ContactFates } from "./contact-fates";

/** A collection whose documents link to contacts and keep their resolved `refs` (domain/links.ts). */
export interface ContactLinkedCollection<D extends { _id: string; refs: string[] }> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the three models differ; each names its own link fields
  model: Model<any>;
  /** The stored path of the contact ids as given (`contactIds`, `links.id`). */
  contactPath: string;
  /** What the document reads to know its links. */
  projection: Record<string, 1>;
  linksOf(document: D): RecordRef[];
}

/**
 * Brings the refs of documents that link to some contacts up to date with what those contacts
 * now stand for (after a merge, an undo or an erasure): one read, then one bulk write of the
 * documents whose refs changed. Idempotent: running it again changes nothing.
 */
export async function repointContactLinks<D extends { _id: string; refs: string[] }>(
  collection: ContactLinkedCollection<D>,
  fates: ContactFates,
  tenantId: string,
  contactIds: string[],
): Promise<number> {
  const documents = await collection.model
    .find({ tenantId, [collection.contactPath]: { $in: contactIds } }, { ...collection.projection, refs: 1 })
    .lean<D[]>();
  if (documents.length === 0) return 0;
  const resolution = await fates.resolve(tenantId, documents.flatMap((document) => contactIdsOf(collection.linksOf(document))));
  const updates: AnyBulkWriteOperation[] = [];
  for (const document of documents) {
    const refs = resolvedRefs(collection.linksOf(document), resolution);
    if (sameMembers(refs, document.refs)) continue;
    updates.push({ updateOne: { filter: { _id: document._id, tenantId }, update: { $set: { refs } } } });
  }
  if (updates.length > 0) await collection.model.bulkWrite(updates, { ordered: false });
  return updates.length;
}

const sameMembers = (a: string[], b: string[]) => a.length === b.length && a.every((value) => b.includes(value));

/**
 * Closes the race between a write that resolved its contacts and a merge or erasure recorded
 * meanwhile (whose repointing may have read before the write landed): resolves again once the
 * write is done and repoints what links to the contacts whose fate changed in between.
 */
export async function settleContactLinks<D extends { _id: string; refs: string[] }>(
  collection: ContactLinkedCollection<D>,
  fates: ContactFates,
  tenantId: string,
  contactIds: string[],
  resolvedBefore: ContactResolution,
): Promise<void> {
  if (contactIds.length === 0) return;
  const now = await fates.resolve(tenantId, contactIds);
  const changed = contactIds.filter((id) => resolveContact(id, now) !== resolveContact(id, resolvedBefore));
  if (changed.length > 0) await repointContactLinks(collection, fates, tenantId, changed);
}
