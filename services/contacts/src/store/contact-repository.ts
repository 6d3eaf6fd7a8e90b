import { commonV1 } from "@crm/proto";
import { listFilter, NotFoundError, PreconditionFailedError, TenantRepository, type FieldSpecs, type ListQuery, type ModelOutbox, type OutboxEvent, type Page } from "@crm/kit";
import type { Contact, ContactFields } from "../domain/contact";
import { DEFAULT_CONTACT_ORDER } from "../domain/list-fields";
import type { ContactDocument, ContactModel } from "./contact.model";
import { withoutUndefined } from "./documents";

export interface ListContactsQuery extends ListQuery {
  /** Tokens every result must carry (domain/search.ts). */
  searchTokens: string[];
  /** The list fields with the tenant's custom fields (domain/list-fields.ts). */
  fields: FieldSpecs;
}

/** What is stored beside the fields: derived search and match data. */
export interface Derived {
  searchTokens: string[];
  matchKeys: string[];
}

/**
 * The only code that reads and writes the contacts collection. Every method is scoped to one
 * tenant; every write that changes a contact bumps its version and carries its events.
 */
export class ContactRepository extends TenantRepository<ContactDocument> {
  constructor(model: ContactModel, outbox: ModelOutbox) {
    super(model, outbox);
  }

  /** Inserts new contacts with their derived data and events, in one write. */
  async insertMany(items: Array<{ contact: Contact; derived: Derived; events: OutboxEvent[] }>): Promise<void> {
    await this.insertWithEvents(items.map(({ contact, derived, events }) => ({ document: { ...toDocument(contact), ...derived }, events, at: contact.createdAt })));
  }

  /** The active contact, or NOT_FOUND (also for merged, deleted and erased ones). */
  async get(tenantId: string, id: string): Promise<Contact> {
    const contact = await this.find(tenantId, id);
    if (!contact || contact.state !== "active") {
      throw new NotFoundError(contact?.state === "merged" ? `contact ${id} was merged into ${contact.mergedInto}` : `contact ${id} not found`);
    }
    return contact;
  }

  /** The contact in any state, by primary key. */
  async find(tenantId: string, id: string): Promise<Contact | undefined> {
    const document = await this.findDocument(tenantId, id, { outbox: 0, searchTokens: 0, matchKeys: 0 });
    return document ? toContact(document) : undefined;
  }

  async matchKeysOf(tenantId: string, id: string): Promise<string[]> {
    const document = await this.model.findOne({ _id: id, tenantId }, { matchKeys: 1 }).lean<Pick<ContactDocument, "matchKeys">>();
    return document?.matchKeys ?? [];
  }

  /** Active contacts among these ids, each read by primary key. */
  async findActive(tenantId: string, ids: string[]): Promise<Contact[]> {
    return [...(await this.findMany(tenantId, ids)).values()].filter((contact) => contact.state === "active");
  }

  /** The stored contacts among ids, in any state, by id; one read by primary key. */
  async findMany(tenantId: string, ids: string[]): Promise<Map<string, Contact>> {
    if (ids.length === 0) return new Map();
    const documents = await this.model.find({ _id: { $in: ids }, tenantId }, { outbox: 0, searchTokens: 0, matchKeys: 0 }).lean<ContactDocument[]>();
    return new Map(documents.map((document) => [document._id, toContact(document)]));
  }

  /**
   * Replaces the fields of a contact at the version the caller read, with its events, in one
   * update; FAILED_PRECONDITION when someone changed it in between.
   */
  async replace(contact: Contact, expectedVersion: number, derived: Derived | undefined, events: OutboxEvent[]): Promise<void> {
    const { _id, tenantId, createdAt: _createdAt, createdBy: _createdBy, ...fields } = toDocument(contact);
    const update = {
      $set: { ...fields, ...derived },
      // Optional fields the new state no longer has.
      ...(contact.mergedInto === undefined ? { $unset: { mergedInto: 1 } } : {}),
    };
    if (!(await this.updateAtVersion(tenantId, _id, expectedVersion, update, events, contact.updatedAt))) {
      const current = await this.find(tenantId, _id);
      if (!current) throw new NotFoundError(`contact ${_id} not found`);
      throw new PreconditionFailedError(`contact ${_id} changed since it was read (version ${current.version}); read it again`);
    }
  }

  async list(tenantId: string, query: ListContactsQuery): Promise<Page<Contact>> {
    const page = await this.page(tenantId, query, { fields: query.fields, defaultOrder: DEFAULT_CONTACT_ORDER, where: activeWith(query.searchTokens) });
    return { items: page.items.map(toContact), pageInfo: page.pageInfo };
  }

  /**
   * Every active contact matching, in id order, from after `afterId`, without holding them all.
   * The filter is checked here, before the first batch is read.
   */
  stream(tenantId: string, filter: commonV1.Filter | undefined, searchTokens: string[], fields: FieldSpecs, afterId: string, batchSize: number): AsyncGenerator<Contact[]> {
    const base = listFilter(tenantId, filter, fields, activeWith(searchTokens));
    return this.batches(afterId ? { ...base, _id: { $gt: afterId } } : base, batchSize);
  }

  private async *batches(query: Record<string, unknown>, batchSize: number): AsyncGenerator<Contact[]> {
    const cursor = this.model.find(query, { outbox: 0, searchTokens: 0, matchKeys: 0 }).sort({ _id: 1 }).batchSize(batchSize).lean<ContactDocument[]>().cursor();
    let batch: Contact[] = [];
    for await (const document of cursor) {
      batch.push(toContact(document as ContactDocument));
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** Records an interaction time when it is later than the one stored; no version bump, no event. */
  async touchInteraction(tenantId: string, ids: string[], at: Date): Promise<string[]> {
    const touched: string[] = [];
    for (const id of ids) {
      const result = await this.model.updateOne(
        { _id: id, tenantId, state: "active", $or: [{ lastInteractionAt: { $lt: at } }, { lastInteractionAt: { $exists: false } }] },
        { $set: { lastInteractionAt: at } },
      );
      if (result.modifiedCount > 0) touched.push(id);
    }
    return touched;
  }

}

/** Lists and streams read active contacts, carrying every search token when there are some. */
function activeWith(searchTokens: string[]): Record<string, unknown> {
  return { state: "active", ...(searchTokens.length > 0 ? { searchTokens: { $all: searchTokens } } : {}) };
}

export function toDocument(contact: Contact): Omit<ContactDocument, "searchTokens" | "matchKeys" | "outbox" | "outboxSince"> {
  const { id, ...rest } = contact;
  return { ...withoutUndefined(rest), _id: id };
}

export function toContact(document: ContactDocument): Contact {
  const { _id, outbox: _outbox, outboxSince: _since, searchTokens: _tokens, matchKeys: _keys, ...rest } = document;
  return { ...rest, id: _id, customFields: rest.customFields ?? {}, preferences: rest.preferences ?? {} };
}

export function fieldsOf(contact: Contact): ContactFields {
  const { id: _id, tenantId: _t, state: _s, mergedInto: _m, lastInteractionAt: _l, createdAt: _c, updatedAt: _u, createdBy: _cb, updatedBy: _ub, version: _v, ...fields } = contact;
  return fields;
}
