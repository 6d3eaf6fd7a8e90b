import { callerMaySee, outsideCaller } from "@crm/kit";
import type { Contact } from "../domain/contact";
import type { ContactCache } from "./contact-cache";
import type { ContactRepository } from "./contact-repository";

/**
 * Contacts read by id for duplicate checks: from the cache where they are, the rest from the
 * database in one read, those then cached. An import checks each row against up to ten stored
 * records, mostly ones it or a recent create just wrote: read from MongoDB each time, they
 * were the largest part of the storage's work.
 */
export class CachedContactReads {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly cache: ContactCache,
  ) {}

  /**
   * The stored contacts among ids, by id (active from the cache, any state from the database).
   * Those the caller may not see (record-level permissions) come back hidden: they exist, so
   * they are no create in flight, but they are no candidate the caller may be shown either.
   */
  async findMany(tenantId: string, ids: string[]): Promise<Map<string, Contact>> {
    const cached = await this.cache.getMany(tenantId, ids);
    const stored = await outsideCaller(() => this.contacts.findMany(tenantId, ids.filter((id) => !cached.has(id))));
    // Only active contacts are cached: a get answers from the cache without looking at the state.
    await this.cache.setMany([...stored.values()].filter((contact) => contact.state === "active"));
    return new Map([...cached, ...stored].map(([id, contact]) => [id, hiddenUnlessVisible(contact)]));
  }

  /** Caches contacts just created, which the next duplicate checks of an import are likely to meet. */
  async created(contacts: Contact[]): Promise<void> {
    await this.cache.setMany(contacts);
  }
}

/** The contact as a duplicate check may use it: hidden when the caller may not see it. */
export function hiddenUnlessVisible(contact: Contact): Contact {
  return callerMaySee(contact.ownerId) ? contact : { ...contact, state: "hidden" };
}
