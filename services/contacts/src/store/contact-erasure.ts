import type { ErasureCounts, ErasureRequest } from "@crm/kit";
import { emptyDraft, type Contact } from "../domain/contact";
import { contactErased } from "../events/contact-events";
import type { ContactRepository } from "./contact-repository";
import type { ContactWriter } from "./contact-writer";
import type { MatchKeyIndex } from "./match-keys";
import type { MergeModel } from "./merge.model";
import { findSubjectRecords } from "./subject-records";

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
    const subjects = await findSubjectRecords({ contacts: this.contacts, keys: this.keys, merges: this.merges }, request);
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
