import { outsideCaller, ValidationError, type Logger } from "@crm/kit";
import { prepareContact, type Contact, type ContactDraft, type ContactFields } from "../domain/contact";
import type { CustomFieldDefinition } from "../domain/custom-fields";
import { chooseCandidates, contactMatchKeys, isIdentityKey } from "../domain/blocking";
import { scoreCandidates } from "../domain/candidates";
import type { Candidate } from "../domain/duplicates";
import { contactSearchWords, searchTokens } from "../domain/search";
import { contactDeleted, contactUpdated } from "../events/contact-events";
import type { Actor, CreateOptions } from "./actor";
import type { ContactCreation } from "./contact-creation";
import { refuseClashes } from "./duplicate-clashes";
import type { ContactCache } from "./contact-cache";
import { hiddenUnlessVisible } from "./contact-reads";
import { fieldsOf, type ContactRepository, type Derived } from "./contact-repository";
import { changedFields } from "./documents";
import type { MatchKeyIndex } from "./match-keys";
import type { OrganizationRepository } from "./organization-repository";

/**
 * Writes contacts with their derived data: search tokens, the match-key index that finds
 * duplicates and keeps identifiers unique, events and the cache. Keys are claimed before the
 * contact is stored and released after it no longer holds them, so that a crash in between
 * leaves at most a key pointing at nothing, which look-ups ignore, and never a missing one.
 * Creates go through ContactCreation, which a CSV import uses for whole batches.
 */
export class ContactWriter {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly keys: MatchKeyIndex,
    private readonly cache: ContactCache,
    private readonly organizations: OrganizationRepository,
    readonly creation: ContactCreation,
    private readonly log: Logger,
  ) {}

  async create(actor: Actor, fields: ContactFields, options: CreateOptions): Promise<Contact> {
    const [outcome] = await this.creation.createMany(actor, [{ fields, ...options }]);
    if ("refused" in outcome!) throw outcome.refused;
    return outcome!.contact;
  }

  /**
   * Validates and standardises a draft against the tenant's custom fields, and checks that the
   * organisations it links exist: the rules every create and update follows, API or import.
   */
  async prepare(tenantId: string, draft: ContactDraft, definitions: CustomFieldDefinition[]): Promise<ContactFields> {
    const fields = prepareContact(draft, definitions);
    const ids = fields.organizations.map((o) => o.organizationId);
    const names = await this.organizations.namesOf(tenantId, ids);
    if (names.length !== ids.length) throw ValidationError.field("contact.organizations", "names an organisation that does not exist");
    return fields;
  }

  /** The active contact holding an identity key (e.g. `email:ada@example.com`), if any. */
  async findByKey(tenantId: string, key: string): Promise<Contact | undefined> {
    return (await this.findByKeys(tenantId, [key])).get(key);
  }

  /** The active contact holding each identity key, for the keys some active contact holds; two reads in all. */
  async findByKeys(tenantId: string, keys: string[]): Promise<Map<string, Contact>> {
    const holders = await this.keys.lookup(tenantId, keys);
    const contacts = await this.contacts.findMany(tenantId, [...new Set([...holders.values()].flat())]);
    const found = new Map<string, Contact>();
    for (const [key, ids] of holders) {
      const holder = ids.map((id) => contacts.get(id)).find((contact) => contact?.state === "active");
      if (holder) found.set(key, holder);
    }
    return found;
  }

  /** Duplicate candidates for fields, stored or not, best first: the same candidates and scores as the create check. */
  async findDuplicates(tenantId: string, fields: ContactFields, excludeId = ""): Promise<Candidate[]> {
    const keys = contactMatchKeys(fields);
    return (await this.candidates(tenantId, fields, [], [...keys.identity, ...keys.similarity], excludeId)).candidates;
  }

  /**
   * Stores new fields over the version read. A changed identifier that another contact already
   * holds is refused like a create would be. Returns the contact as stored.
   */
  async update(actor: Actor, current: Contact, fields: ContactFields): Promise<Contact> {
    const changed = changedFields(fieldsOf(current), fields);
    if (changed.length === 0) return current;
    const { tenantId } = actor;
    const keys = contactMatchKeys(fields);
    const previousKeys = await this.contacts.matchKeysOf(tenantId, current.id);
    const newIdentity = keys.identity.filter((key) => !previousKeys.includes(key));
    const held = await this.keys.claim(tenantId, newIdentity, current.id);
    try {
      const { candidates } = await this.candidates(tenantId, fields, [...held.values()].flat(), newIdentity, current.id);
      const clash = refuseClashes(fields, candidates, false);
      if (clash) throw clash;
      await this.keys.add(tenantId, [...held.keys(), ...keys.similarity], current.id);
      const updated: Contact = { ...current, ...fields, updatedAt: new Date(), updatedBy: actor.subject, version: current.version + 1 };
      const allKeys = [...previousKeys.filter((k) => k.startsWith("request:")), ...keys.identity, ...keys.similarity];
      await this.contacts.replace(updated, current.version, await this.derive(updated, allKeys), [contactUpdated(updated, changed, actor.subject)]);
      await this.keys.release(tenantId, previousKeys.filter((key) => !allKeys.includes(key)), current.id);
      await this.invalidate(tenantId, [current.id]);
      return updated;
    } catch (error) {
      await this.keys.release(tenantId, newIdentity, current.id).catch(() => undefined);
      throw error;
    }
  }

  async delete(actor: Actor, current: Contact): Promise<void> {
    const now = new Date();
    const deleted: Contact = { ...current, state: "deleted", updatedAt: now, updatedBy: actor.subject, version: current.version + 1 };
    const previousKeys = await this.contacts.matchKeysOf(actor.tenantId, current.id);
    await this.contacts.replace(deleted, current.version, { searchTokens: [], matchKeys: [] }, [contactDeleted(current, actor.subject, now)]);
    await this.keys.release(actor.tenantId, previousKeys, current.id);
    await this.invalidate(actor.tenantId, [current.id]);
  }

  /** Search tokens and the match keys a stored contact holds. */
  async derive(contact: Pick<Contact, "tenantId"> & ContactFields, matchKeys: string[]): Promise<Derived> {
    const organizationNames = await this.organizations.namesOf(contact.tenantId, contact.organizations.map((o) => o.organizationId));
    return { searchTokens: searchTokens(contactSearchWords(contact, organizationNames)), matchKeys };
  }

  async invalidate(tenantId: string, ids: string[]): Promise<void> {
    // The write is stored; a cache that cannot be reached now serves the old entry until it expires.
    await this.cache.invalidate(tenantId, ids).catch((error: unknown) => this.log.warn({ err: error }, "could not invalidate cached contacts"));
  }

  /**
   * Scores the records that blocking chooses from the holders of `keys` (domain/blocking.ts),
   * with the key counts as frequencies, plus the holders of identifiers just claimed.
   */
  private async candidates(
    tenantId: string, fields: ContactFields, claimedIds: string[], keys: string[], excludeId: string,
  ): Promise<{ candidates: Candidate[]; counts: Map<string, number> }> {
    const holders = await this.keys.lookup(tenantId, keys);
    const selection = chooseCandidates(keys, holders, excludeId);
    const identityHolders = [...claimedIds, ...keys.filter(isIdentityKey).flatMap((key) => holders.get(key) ?? [])];
    if (selection.overflowing.length > 0) {
      // Key names carry names and birthdays: the log says how many, not which.
      this.log.warn({ keys: selection.overflowing.length }, "duplicate check: blocking keys with more holders than read; candidates may be missing");
    }
    const ids = new Set([...identityHolders, ...selection.ids]);
    ids.delete(excludeId);
    // Read for no caller, then hidden where the caller may not see them: stored, so no create in flight.
    const stored = await outsideCaller(() => this.contacts.findMany(tenantId, [...ids]));
    const found = new Map([...stored].map(([id, contact]) => [id, hiddenUnlessVisible(contact)]));
    const counts = (key: string) => selection.counts.get(key) ?? 1;
    const candidates = scoreCandidates(fields, [...ids], identityHolders, (id) => found.get(id), counts);
    return { candidates, counts: selection.counts };
  }
}
