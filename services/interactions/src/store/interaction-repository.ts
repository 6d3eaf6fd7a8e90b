import { NotFoundError, PreconditionFailedError, TenantRepository, ValidationError, newRecordAudit, uuidv7, type Actor, type ListQuery, type ModelOutbox, type OutboxEvent, type Page } from "@crm/kit";
import { interactionLinks, interactionSearchTokens, type Interaction, type InteractionFields } from "../domain/interaction";
import { refFromKey, resolvedRefs, resolveContact, type ContactResolution } from "../domain/links";
import { DEFAULT_INTERACTION_ORDER, INTERACTION_LIST_FIELDS } from "../domain/list-fields";
import { interactionDeleted, interactionLogged, interactionUpdated } from "../events/interaction-events";
import type { ContactFates } from "./contact-fates";
import { settleContactLinks, type ContactLinkedCollection } from "./contact-links";
import type { InteractionDocument, InteractionModel } from "./interaction.model";

/** What is stored beside the fields: what lists and searches find an interaction by. */
interface Derived {
  refs: string[];
  searchTokens: string[];
}

/** The derived fields, and what the contacts stood for when they were derived. */
interface Prepared {
  derived: Derived;
  resolution: ContactResolution;
}

/**
 * The only code that reads and writes interactions. Every method names the tenant (the kit's
 * tenant plugin refuses a query that does not); every write carries its events in the same update.
 */
export class InteractionRepository extends TenantRepository<InteractionDocument> {
  constructor(
    model: InteractionModel,
    outbox: ModelOutbox,
    private readonly fates: ContactFates,
  ) {
    super(model, outbox);
  }

  /**
   * Logs an interaction with its logged event. A create repeated with its request id, or an
   * e-mail whose message id is already logged, stores nothing and answers the first.
   */
  async create(actor: Actor, fields: InteractionFields, requestId: string): Promise<Interaction> {
    const now = new Date();
    const interaction: Interaction = { ...fields, id: uuidv7(now.getTime()), tenantId: actor.tenantId, state: "active", ...newRecordAudit(actor, now) };
    const messageId = fields.details.kind === "email" ? fields.details.messageId : "";
    const requestKey = messageId ? `email:${messageId}` : requestId || interaction.id;
    const { derived, resolution } = await this.derive(actor.tenantId, fields);
    const stored = await this.insertOnce({ ...toDocument(interaction), ...derived, requestKey }, [interactionLogged(interaction)], now);
    await settleContactLinks(this.contactLinks, this.fates, actor.tenantId, fields.contactIds, resolution);
    return toInteraction(stored);
  }

  /** An active interaction, or NOT_FOUND (also for deleted and erased ones). */
  async get(tenantId: string, id: string): Promise<Interaction> {
    const document = await this.findDocument(tenantId, id, { outbox: 0, searchTokens: 0 });
    if (!document || document.state !== "active") throw new NotFoundError(`interaction ${id} not found`);
    return toInteraction(document);
  }

  async list(tenantId: string, query: ListQuery, searchTokens: string[]): Promise<Page<Interaction>> {
    const where = { state: "active", ...(searchTokens.length > 0 ? { searchTokens: { $all: searchTokens } } : {}) };
    const page = await this.page(tenantId, query, { fields: INTERACTION_LIST_FIELDS, defaultOrder: DEFAULT_INTERACTION_ORDER, where });
    return { items: page.items.map(toInteraction), pageInfo: page.pageInfo };
  }

  /** Replaces the fields of the interaction read, at its version, with its updated event; FAILED_PRECONDITION when it changed meanwhile. */
  async update(actor: Actor, current: Interaction, fields: InteractionFields, changedFields: string[]): Promise<Interaction> {
    const next: Interaction = { ...current, ...fields, updatedAt: new Date(), updatedBy: actor.subject, version: current.version + 1 };
    const { derived, resolution } = await this.derive(current.tenantId, fields);
    await this.write(current, next, derived, [interactionUpdated(next, changedFields)]);
    await settleContactLinks(this.contactLinks, this.fates, current.tenantId, fields.contactIds, resolution);
    return { ...next, contactsNow: contactsOfRefs(derived.refs) };
  }

  /** Deletes an interaction: what stays is a stub without content, which carries its deleted event. */
  async delete(actor: Actor, current: Interaction): Promise<void> {
    const next = contentless(current, "deleted", actor.subject);
    await this.write(current, next, { refs: [], searchTokens: [] }, [interactionDeleted(next, current.contactIds, "deleted")]);
  }

  /** Erases an interaction that concerned only an erasure's subject: a stub without content or links. */
  async erase(current: Interaction): Promise<void> {
    const next = contentless(current, "erased", "service:interactions");
    await this.write(current, next, { refs: [], searchTokens: [] }, [interactionDeleted(next, [], "erased")]);
  }

  /** Active interactions that link to any of these contacts, as given when they were logged. */
  async linkedTo(tenantId: string, contactIds: string[]): Promise<Interaction[]> {
    if (contactIds.length === 0) return [];
    const documents = await this.model.find({ tenantId, state: "active", contactIds: { $in: contactIds } }, { outbox: 0, searchTokens: 0 }).lean<InteractionDocument[]>();
    return documents.map(toInteraction);
  }

  /** Active interactions whose text carries every word of any of these groups (candidates, to be checked whole). */
  async mentioning(tenantId: string, wordGroups: string[][]): Promise<Interaction[]> {
    const groups = wordGroups.filter((words) => words.length > 0);
    if (groups.length === 0) return [];
    const documents = await this.model
      .find({ tenantId, state: "active", $or: groups.map((words) => ({ searchTokens: { $all: words } })) }, { outbox: 0, searchTokens: 0 })
      .lean<InteractionDocument[]>();
    return documents.map(toInteraction);
  }

  /** How lists find interactions when contacts are merged, unmerged or erased (store/contact-links.ts). */
  get contactLinks(): ContactLinkedCollection<InteractionDocument> {
    return { model: this.model, contactPath: "contactIds", projection: { contactIds: 1, organizationId: 1, dealId: 1, ticketId: 1 }, linksOf: interactionLinks };
  }

  private async write(current: Interaction, next: Interaction, derived: Derived, events: OutboxEvent[]): Promise<void> {
    const { _id, tenantId, createdAt: _c, createdBy: _cb, ...fields } = toDocument(next);
    if (!(await this.updateAtVersion(tenantId, _id, current.version, { $set: { ...fields, ...derived } }, events, next.updatedAt))) {
      throw new PreconditionFailedError(`interaction ${_id} changed since it was read; read it again`);
    }
  }

  /**
   * The refs and search tokens of the fields. Contacts that were merged are linked through the
   * contact they were merged into; a contact that was erased cannot be linked.
   */
  private async derive(tenantId: string, fields: InteractionFields): Promise<Prepared> {
    const resolution = await this.fates.resolve(tenantId, fields.contactIds);
    const erased = fields.contactIds.findIndex((id) => resolveContact(id, resolution) === null);
    if (erased >= 0) throw ValidationError.field(`interaction.contactIds[${erased}]`, "names a contact that was erased");
    return { derived: { refs: resolvedRefs(interactionLinks(fields), resolution), searchTokens: interactionSearchTokens(fields) }, resolution };
  }
}

/** A deleted or erased interaction: its kind and time stay, every word and link goes. */
function contentless(current: Interaction, state: "deleted" | "erased", by: string): Interaction {
  return {
    ...current,
    state,
    contactIds: [],
    organizationId: "",
    dealId: "",
    ticketId: "",
    subject: "",
    body: "",
    // Only the kind: the stub is never shown, its kind keeps it apart in counts of what was erased.
    details: { kind: current.details.kind } as Interaction["details"],
    updatedAt: new Date(),
    updatedBy: by,
    version: current.version + 1,
  };
}

function toDocument(interaction: Interaction): Omit<InteractionDocument, "refs" | "searchTokens" | "requestKey" | "outbox" | "outboxSince"> {
  const { id, contactsNow: _now, ...rest } = interaction;
  return { ...rest, _id: id };
}

/** The domain object of a stored document: its contacts as they stand now from its refs, nothing else derived or pending. */
export function toInteraction(document: Partial<InteractionDocument> & Pick<InteractionDocument, "_id">): Interaction {
  const { _id, refs, searchTokens: _tokens, requestKey: _key, outbox: _outbox, outboxSince: _since, ...fields } = document;
  return { ...(fields as Omit<Interaction, "id">), id: _id, ...(refs ? { contactsNow: contactsOfRefs(refs) } : {}) };
}

const contactsOfRefs = (refs: string[]) => refs.map(refFromKey).filter((ref) => ref.type === "contact").map((ref) => ref.id);
