import type { ErasureCounts, ErasureRequest } from "@crm/kit";
import { emptyDraft, type Contact } from "../domain/contact";
import { contactErased } from "../events/contact-events";
import type { ContactRepository } from "./contact-repository";
import type { ContactWriter } from "./contact-writer";
import type { MatchKeyIndex } from "./match-keys";
import type { MergeModel } from "./merge.model";

/**
 * The contacts service's part of the erasure saga (the kit's ErasureSaga keeps the receipt and
 * confirms). Every record of the subject (found by id and by its known e-mails and phones, in
 * any state) keeps only its id and non-personal business fields; merge audits lose their
 * snapshots; cached copies go.
 */
export class ContactErasure {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly writer: ContactWriter,
    private readonly keys: MatchKeyIndex,
    private readonly merges: MergeModel,
  ) {}

  async erase(request: ErasureRequest): Promise<ErasureCounts & { recordIds: string[] }> {
    const { tenantId, requestId } = request;
    const now = new Date();
    const subjects = await this.subjects(request);
    let anonymised = 0;
    for (const contact of subjects) {
      if (contact.state === "erased") continue;
      const keys = await this.contacts.matchKeysOf(tenantId, contact.id);
      await this.contacts.replace(anonymise(contact, now), contact.version, { searchTokens: [], matchKeys: [] }, [contactErased(contact, requestId, now)]);
      await this.keys.release(tenantId, keys, contact.id);
      anonymised++;
    }
    const ids = subjects.map((c) => c.id);
    const scrubbed = ids.length === 0 ? { modifiedCount: 0 } : await this.merges.updateMany(
      { tenantId, $or: [{ survivorId: { $in: ids } }, { mergedId: { $in: ids } }] },
      { $set: { survivorBefore: {}, mergedBefore: {}, fieldSources: {} } },
    );
    await this.writer.invalidate(tenantId, ids);

    return { erased: scrubbed.modifiedCount, anonymised, recordIds: ids };
  }

  /** The subject's records: by contact id, and by identifiers in the match-key index. */
  private async subjects(request: ErasureRequest): Promise<Contact[]> {
    const keys = [...request.emails.map((e) => `email:${e.trim().toLowerCase()}`), ...request.phones.map((p) => `phone:${p.trim()}`)];
    const held = await this.keys.lookup(request.tenantId, keys);
    const ids = [...new Set([request.contactId, ...[...held.values()].flat()].filter(Boolean))];
    // Records merged into the subject carry its data too.
    const merged = await this.merges.find({ tenantId: request.tenantId, survivorId: { $in: ids } }, { mergedId: 1 }).lean();
    const all = [...new Set([...ids, ...merged.map((m) => m.mergedId)])];
    const found = await Promise.all(all.map((id) => this.contacts.find(request.tenantId, id)));
    return found.filter((c): c is Contact => c !== undefined);
  }
}

/** Keeps the id, tenant, relationship type, owner and dates; everything that names the person goes. */
function anonymise(contact: Contact, now: Date): Contact {
  const { defaultPhoneRegion: _region, relationshipType: _type, customFields: _custom, ...blank } = emptyDraft();
  return {
    ...contact,
    ...blank,
    customFields: {},
    displayName: "Erased contact",
    state: "erased",
    mergedInto: undefined,
    updatedAt: now,
    updatedBy: "service:contacts",
    version: contact.version + 1,
  };
}
