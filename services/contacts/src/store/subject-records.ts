import type { Contact } from "../domain/contact";
import type { ContactRepository } from "./contact-repository";
import type { MatchKeyIndex } from "./match-keys";
import type { MergeModel } from "./merge.model";

/** Who an erasure or access request is about, as the consent service names them. */
export interface SubjectIdentifiers {
  tenantId: string;
  contactId: string;
  emails: string[];
  phones: string[];
}

/**
 * Every record of a subject, in any state: by contact id, by its known e-mails and phones in
 * the match-key index, and the records merged into those (they carry its data too). What the
 * erasure anonymises and the access export shows.
 */
export async function findSubjectRecords(deps: { contacts: ContactRepository; keys: MatchKeyIndex; merges: MergeModel }, subject: SubjectIdentifiers): Promise<Contact[]> {
  const keys = [...subject.emails.map((e) => `email:${e.trim().toLowerCase()}`), ...subject.phones.map((p) => `phone:${p.trim()}`)];
  const held = await deps.keys.lookup(subject.tenantId, keys);
  const ids = [...new Set([subject.contactId, ...[...held.values()].flat()].filter(Boolean))];
  const merged = await deps.merges.find({ tenantId: subject.tenantId, survivorId: { $in: ids } }, { mergedId: 1 }).lean();
  const all = [...new Set([...ids, ...merged.map((m) => m.mergedId)])];
  const found = await Promise.all(all.map((id) => deps.contacts.find(subject.tenantId, id)));
  return found.filter((c): c is Contact => c !== undefined);
}
