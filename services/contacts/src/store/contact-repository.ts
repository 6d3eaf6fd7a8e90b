import { commonV1 } from "@crm/proto";
import { NotFoundError, paginate, toMongoFilter, uuidv7, type Page } from "@crm/kit";
import type { Contact, NewContact } from "../domain/contact";
import { CONTACT_LIST_FIELDS, DEFAULT_CONTACT_ORDER } from "../domain/list-fields";
import { contactCreatedEvent } from "../events/contact-events";
import type { ContactDocument, ContactModel } from "./contact.model";

export interface ListContactsQuery {
  filter: commonV1.Filter | undefined;
  orderBy: commonV1.OrderBy[];
  page: commonV1.PageRequest | undefined;
}

const DUPLICATE_KEY = 11000;

/** The only code that touches the contacts collection. Every method is scoped to one tenant. */
export class MongoContactRepository {
  constructor(
    private readonly model: ContactModel,
    /** Called after a write that left events in the outbox, to publish them at once. */
    private readonly onOutboxWrite: (id: string) => void,
  ) {}

  /** Stores a contact and its contact.created event in one atomic insert. */
  async create(tenantId: string, contact: NewContact, actor: string, requestId?: string): Promise<Contact> {
    const now = new Date();
    const created: Contact = { ...contact, id: uuidv7(now.getTime()), tenantId, createdAt: now, updatedAt: now, version: 1 };
    const { id, ...fields } = created;
    try {
      await this.model.create({
        ...withoutUndefined(fields),
        _id: id,
        createdBy: actor,
        ...(requestId ? { requestId } : {}),
        outbox: [contactCreatedEvent(created, actor)],
        outboxSince: now,
      });
    } catch (error) {
      if (requestId && (error as { code?: number }).code === DUPLICATE_KEY) {
        const first = await this.model.findOne({ tenantId, requestId }).lean<ContactDocument>();
        if (first) return toContact(first);
      }
      throw error;
    }
    this.onOutboxWrite(id);
    return created;
  }

  async get(tenantId: string, id: string): Promise<Contact> {
    const document = await this.model.findOne({ tenantId, _id: id }).lean<ContactDocument>();
    if (!document) throw new NotFoundError(`contact ${id} not found`);
    return toContact(document);
  }

  async list(tenantId: string, query: ListContactsQuery): Promise<Page<Contact>> {
    const filter = { tenantId, ...toMongoFilter(query.filter, CONTACT_LIST_FIELDS) };
    const page = await paginate<ContactDocument>(this.model, filter, CONTACT_LIST_FIELDS, {
      orderBy: query.orderBy,
      page: query.page,
      defaultOrder: DEFAULT_CONTACT_ORDER,
    });
    return { items: page.items.map(toContact), pageInfo: page.pageInfo };
  }
}

function toContact(document: ContactDocument): Contact {
  return {
    id: document._id,
    tenantId: document.tenantId,
    givenName: document.givenName,
    familyName: document.familyName,
    displayName: document.displayName,
    email: document.email,
    phone: document.phone,
    title: document.title,
    relationshipType: document.relationshipType,
    tags: document.tags,
    country: document.country,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
    version: document.version,
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
