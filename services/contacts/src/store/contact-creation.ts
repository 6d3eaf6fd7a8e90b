import { uuidv7, type Logger } from "@crm/kit";
import type { Contact, ContactFields } from "../domain/contact";
import { chooseCandidates, contactMatchKeys, keysToFile } from "../domain/blocking";
import { scoreCandidates } from "../domain/candidates";
import { contactSearchWords, searchTokens } from "../domain/search";
import { contactCreated } from "../events/contact-events";
import type { Actor } from "./actor";
import type { CachedContactReads } from "./contact-reads";
import type { ContactRepository } from "./contact-repository";
import { refuseClashes, type ClashError } from "./duplicate-clashes";
import type { MatchKeyIndex } from "./match-keys";

/** One contact to create, and whether a likely duplicate may be created anyway. */
export interface NewContact {
  fields: ContactFields;
  allowDuplicates: boolean;
  /** The caller's request id: a create repeated with it returns the contact the first one made. */
  requestId?: string;
}

/** The contact as stored (or as a first create with the same request id stored it), or why it was refused. */
export type Creation = { contact: Contact } | { refused: ClashError };

interface Pending {
  contact: Contact;
  allowDuplicates: boolean;
  keys: { identity: string[]; similarity: string[] };
  /** `request:<id>` when the caller gave a request id. */
  requestKey?: string;
  /** Identity keys (and request key) this item claimed itself: the first of the batch to hold them. */
  claimed: string[];
  outcome?: Creation;
  /** A repeat of a create already made: nothing of its own is stored. */
  replayed?: boolean;
}

/**
 * Creates contacts in batches with the same rules, one at a time, as a single create: each is
 * checked against the stored contacts and against those before it in the batch, in order, so
 * that a batch decides as the same creates made one after another would. The round trips are
 * per batch, not per contact: one claim of the identifiers, one look-up of every match key, one
 * read of the candidates, one filing of the keys, one insert of the contacts.
 *
 * Identifiers are claimed before anything is stored, so of concurrent creates with one e-mail
 * exactly one wins; keys are filed before the contacts are inserted, so that a crash in between
 * leaves at most a key pointing at nothing, which look-ups ignore, and never a missing one.
 */
export class ContactCreation {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly reads: CachedContactReads,
    private readonly keys: MatchKeyIndex,
    private readonly organizationNames: (tenantId: string, ids: string[]) => Promise<Map<string, string>>,
    private readonly log: Logger,
  ) {}

  async createMany(actor: Actor, items: NewContact[]): Promise<Creation[]> {
    if (items.length === 0) return [];
    const { tenantId } = actor;
    const now = new Date();
    const pending = this.pendingOf(actor, items, now);

    const claims = this.firstClaims(pending);
    const heldElsewhere = await this.keys.claimAll(tenantId, claims);
    for (const { key, id } of claims) if (!heldElsewhere.has(key)) pending.find((p) => p.contact.id === id)!.claimed.push(key);

    const allKeys = [...new Set(pending.flatMap((p) => [...(p.requestKey ? [p.requestKey] : []), ...p.keys.identity, ...p.keys.similarity]))];
    const stored = await this.keys.lookup(tenantId, allKeys);
    const batchIds = new Set(pending.map((p) => p.contact.id));
    const candidateIds = new Set<string>();
    for (const item of pending) {
      if (item.requestKey && heldElsewhere.has(item.requestKey)) (stored.get(item.requestKey) ?? []).forEach((id) => candidateIds.add(id));
      for (const id of chooseCandidates([...item.keys.identity, ...item.keys.similarity], stored, item.contact.id).ids) if (!batchIds.has(id)) candidateIds.add(id);
    }
    const found = await this.reads.findMany(tenantId, [...candidateIds]);
    this.replayRequests(pending, heldElsewhere, stored, found);

    const filings = this.decide(pending.filter((p) => !p.outcome), batchIds, stored, found);
    const refused = pending.filter((p) => p.replayed || "refused" in p.outcome!);
    const accepted = pending.filter((p) => !p.replayed && "contact" in p.outcome!);
    if (accepted.length > 0) {
      await this.keys.file(tenantId, filings, new Set([...stored.keys(), ...claims.map((c) => c.key)]));
      const names = await this.organizationNames(tenantId, [...new Set(accepted.flatMap((p) => p.contact.organizations.map((o) => o.organizationId)))]);
      await this.contacts.insertMany(
        accepted.map(({ contact, keys, requestKey }) => ({
          contact,
          derived: {
            searchTokens: searchTokens(contactSearchWords(contact, contact.organizations.flatMap((o) => names.get(o.organizationId) ?? []))),
            matchKeys: [...(requestKey ? [requestKey] : []), ...keys.identity, ...keys.similarity],
          },
          events: [contactCreated(contact, actor.subject)],
        })),
      );
      await this.reads.created(accepted.map(({ contact }) => contact));
    }
    await this.releaseClaims(tenantId, refused);
    return pending.map((p) => p.outcome!);
  }

  private pendingOf(actor: Actor, items: NewContact[], now: Date): Pending[] {
    return items.map(({ fields, requestId, allowDuplicates }) => ({
      allowDuplicates,
      ...(requestId ? { requestKey: `request:${requestId}` } : {}),
      contact: {
        ...fields, id: uuidv7(now.getTime()), tenantId: actor.tenantId, state: "active", createdAt: now, updatedAt: now, createdBy: actor.subject, updatedBy: actor.subject, version: 1,
      },
      keys: contactMatchKeys(fields),
      claimed: [],
    }));
  }

  /** Each request id and identity key of the batch, claimed for the first item that holds it. */
  private firstClaims(pending: Pending[]): Array<{ key: string; id: string }> {
    const first = new Map<string, string>();
    for (const item of pending) {
      for (const key of [...(item.requestKey ? [item.requestKey] : []), ...item.keys.identity]) if (!first.has(key)) first.set(key, item.contact.id);
    }
    return [...first].map(([key, id]) => ({ key, id }));
  }

  /**
   * An item whose request id is held already repeats a create: it answers the contact the first
   * one stored. If that one never stored its contact, this one carries on under the same key.
   */
  private replayRequests(pending: Pending[], heldElsewhere: Set<string>, stored: Map<string, string[]>, found: Map<string, Contact>): void {
    for (const item of pending) {
      if (!item.requestKey || !heldElsewhere.has(item.requestKey)) continue;
      const first = (stored.get(item.requestKey) ?? []).map((id) => found.get(id)).find(Boolean);
      if (first) {
        item.outcome = { contact: first };
        item.replayed = true;
      }
    }
  }

  /**
   * Decides each item in order, against the stored candidates and the items accepted before
   * it; returns, per key, the ids to file under it.
   */
  private decide(pending: Pending[], batchIds: Set<string>, stored: Map<string, string[]>, found: Map<string, Contact>): Map<string, string[]> {
    const acceptedHolders = new Map<string, string[]>();
    const acceptedById = new Map<string, Contact>();
    const filings = new Map<string, string[]>();
    for (const item of pending) {
      const { contact, keys } = item;
      const itemKeys = [...keys.identity, ...keys.similarity];
      // Stored holders, without items of this batch that are not (yet) accepted, plus those that are.
      const holders = new Map<string, string[]>();
      for (const key of itemKeys) {
        const ids = [...(stored.get(key) ?? []).filter((id) => !batchIds.has(id)), ...(acceptedHolders.get(key) ?? [])];
        if (ids.length > 0) holders.set(key, ids);
      }
      const selection = chooseCandidates(itemKeys, holders, contact.id);
      const identityHolders = keys.identity.flatMap((key) => holders.get(key) ?? []);
      const counts = (key: string) => selection.counts.get(key) ?? 1;
      const others = [...new Set([...identityHolders, ...selection.ids])].filter((id) => id !== contact.id);
      const candidates = scoreCandidates(contact, others, identityHolders, (id) => acceptedById.get(id) ?? found.get(id), counts);
      if (selection.overflowing.length > 0) {
        // Key names carry names and birthdays: the log says how many, not which.
        this.log.warn({ keys: selection.overflowing.length }, "duplicate check: blocking keys with more holders than read; candidates may be missing");
      }
      const clash = refuseClashes(contact, candidates, item.allowDuplicates);
      if (clash) {
        item.outcome = { refused: clash };
        continue;
      }
      item.outcome = { contact };
      acceptedById.set(contact.id, contact);
      const toFile = [
        ...[...(item.requestKey ? [item.requestKey] : []), ...keys.identity].filter((key) => !item.claimed.includes(key)),
        ...keysToFile(keys.similarity, selection.counts),
      ];
      for (const key of [...keys.identity, ...keys.similarity]) acceptedHolders.set(key, [...(acceptedHolders.get(key) ?? []), contact.id]);
      for (const key of toFile) filings.set(key, [...(filings.get(key) ?? []), contact.id]);
    }
    return filings;
  }

  private async releaseClaims(tenantId: string, refused: Pending[]): Promise<void> {
    for (const { claimed, contact } of refused) {
      await this.keys.release(tenantId, claimed, contact.id).catch((error: unknown) => this.log.warn({ err: error }, "could not release match keys"));
    }
  }
}
