import { uuidv7, uuidv7Time, ValidationError, type Actor, type Logger } from "@crm/kit";
import { prepareContact, type Contact, type ContactDraft, type ContactFields } from "../domain/contact";
import type { CustomFieldDefinition } from "../domain/custom-fields";
import { chooseCandidates, contactMatchKeys, isIdentityKey, keysToFile } from "../domain/blocking";
import { rankCandidates, STRONG_MATCH, type Candidate } from "../domain/duplicates";
import { scoreContact } from "../domain/person-match";
import { contactSearchWords, searchTokens } from "../domain/search";
import { contactCreated, contactDeleted, contactUpdated } from "../events/contact-events";
import type { ContactCache } from "./contact-cache";
import { duplicatesConflict, type CreateOptions } from "./duplicate-conflict";
import { fieldsOf, type ContactRepository, type Derived } from "./contact-repository";
import { changedFields } from "./documents";
import type { MatchKeyIndex } from "./match-keys";
import type { OrganizationRepository } from "./organization-repository";

/** How long a claimed identifier without its contact counts as a create in flight. */
const IN_FLIGHT_MS = 60_000;
const isRecent = (id: string) => Date.now() - (uuidv7Time(id) ?? 0) < IN_FLIGHT_MS;

/**
 * Writes contacts with their derived data: search tokens, the match-key index that finds
 * duplicates and keeps identifiers unique, events and the cache. Keys are claimed before the
 * contact is stored and released after it no longer holds them, so that a crash in between
 * leaves at most a key pointing at nothing, which look-ups ignore, and never a missing one.
 */
export class ContactWriter {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly keys: MatchKeyIndex,
    private readonly cache: ContactCache,
    private readonly organizations: OrganizationRepository,
    private readonly log: Logger,
  ) {}

  async create(actor: Actor, fields: ContactFields, options: CreateOptions): Promise<Contact> {
    const { tenantId } = actor;
    const now = new Date();
    const id = uuidv7(now.getTime());
    const requestKey = options.requestId ? [`request:${options.requestId}`] : [];
    if (options.requestId) {
      const first = (await this.keys.claim(tenantId, requestKey, id)).get(requestKey[0]!)?.[0];
      if (first) {
        const existing = await this.contacts.find(tenantId, first);
        if (existing) return existing;
        // The first attempt never stored its contact: this one carries on under the same key.
        await this.keys.add(tenantId, requestKey, id);
      }
    }
    const keys = contactMatchKeys(fields);
    let claimed = [...requestKey];
    try {
      const held = await this.keys.claim(tenantId, keys.identity, id);
      claimed = [...claimed, ...keys.identity];
      const { candidates, counts } = await this.candidates(tenantId, fields, [...held.values()].flat(), [...keys.identity, ...keys.similarity], id);
      this.refuseClashes(fields, candidates, options.allowDuplicates);
      await this.keys.add(tenantId, [...held.keys(), ...keysToFile(keys.similarity, counts)], id);
      claimed = [...claimed, ...keys.similarity];
      const contact: Contact = {
        ...fields, id, tenantId, state: "active", createdAt: now, updatedAt: now, createdBy: actor.subject, updatedBy: actor.subject, version: 1,
      };
      await this.contacts.insert(contact, await this.derive(contact, [...requestKey, ...keys.identity, ...keys.similarity]), [contactCreated(contact, actor.subject)]);
      return contact;
    } catch (error) {
      await this.keys.release(tenantId, claimed, id).catch((releaseError: unknown) => this.log.warn({ err: releaseError }, "could not release match keys"));
      throw error;
    }
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
    const ids = (await this.keys.lookup(tenantId, [key])).get(key) ?? [];
    return (await this.contacts.findActive(tenantId, ids))[0];
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
      this.refuseClashes(fields, candidates, false);
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
    const idList = [...ids];
    const found = await this.contacts.findMany(tenantId, idList);
    const stored = [...found.values()].filter((contact) => contact.state === "active");
    // An identifier claimed a moment ago by a contact not stored yet is a create in flight:
    // as strong a match as a stored one. An old claim without a contact is a crash's leftover.
    const inFlight = idList.filter((id) => !found.has(id) && identityHolders.includes(id) && isRecent(id));
    const counts = (key: string) => selection.counts.get(key) ?? 1;
    const candidates = rankCandidates([
      ...stored.map((other) => scoreContact(fields, other, counts)),
      ...inFlight.map((id) => ({ id, externalId: "", displayName: "", score: 1, reasons: ["being created with the same identifier"], evidence: [] })),
    ]);
    return { candidates, counts: selection.counts };
  }

  /** External ids are unique without exception; other strong matches unless the caller insists. */
  private refuseClashes(fields: ContactFields, candidates: Candidate[], allowDuplicates: boolean): void {
    const strong = candidates.filter((candidate) => candidate.score >= STRONG_MATCH);
    const sameExternalId = strong.filter((candidate) => candidate.reasons.includes("same external id"));
    if (sameExternalId.length > 0) {
      throw duplicatesConflict(`external id ${fields.externalId} is already used by contact ${sameExternalId[0]!.id}`, sameExternalId);
    }
    if (strong.length > 0 && !allowDuplicates) {
      throw duplicatesConflict(`${strong.length} existing contact(s) look like the same person; create anyway with allowDuplicates`, strong);
    }
  }
}
