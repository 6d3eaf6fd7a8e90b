import type { ContactFates } from "./contact-fates";
import { repointContactLinks, type ContactLinkedCollection } from "./contact-links";

/**
 * After a contact's fate changed (merged, unmerged, erased): everything that links to it, or to a
 * contact merged into it, is found again by what they stand for now, in every collection that
 * keeps contact links (interactions, tasks, timeline entries).
 */
export class ContactRepointing {
  constructor(
    private readonly fates: ContactFates,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each collection has its own document type
    private readonly collections: Array<ContactLinkedCollection<any>>,
  ) {}

  /** Repoints the links to a contact and to those merged into it; returns how many documents changed. */
  async afterFateOf(tenantId: string, contactId: string): Promise<number> {
    const contacts = await this.fates.withMergedInto(tenantId, contactId);
    let changed = 0;
    for (const collection of this.collections) changed += await repointContactLinks(collection, this.fates, tenantId, contacts);
    return changed;
  }
}
