import { ConflictError, NotFoundError, PreconditionFailedError, TenantRepository, newRecordAudit, uuidv7, type Actor, type ListQuery, type ModelOutbox, type Page, isDuplicateKey } from "@crm/kit";
import { type Purpose, type PurposeFields } from "../domain/purpose";
import { DEFAULT_PURPOSE_ORDER, PURPOSE_LIST_FIELDS } from "../domain/list-fields";
import { purposeCreated, purposeUpdated } from "../events/purpose-events";
import type { PurposeDocument, PurposeModel } from "./purpose.model";

/**
 * The only code that reads and writes purposes. Every method names the tenant (the kit's
 * tenant plugin refuses a query that does not); every write carries its events.
 */
export class PurposeRepository extends TenantRepository<PurposeDocument> {
  constructor(model: PurposeModel, outbox: ModelOutbox) {
    super(model, outbox);
  }

  /**
   * Stores a new purpose, its first notice and its created event; a create repeated with its
   * request id answers the first. A key another purpose of the tenant has is a conflict.
   */
  async create(actor: Actor, fields: PurposeFields & { noticeText: string }, requestId: string): Promise<Purpose> {
    const now = new Date();
    const { noticeText, ...rest } = fields;
    const purpose: Purpose = {
      ...rest,
      id: uuidv7(now.getTime()),
      tenantId: actor.tenantId,
      notices: [{ version: 1, text: noticeText, requiresRenewal: false, publishedAt: now, publishedBy: actor.subject }],
      renewalRequiredFrom: 0,
      ...newRecordAudit(actor, now),
    };
    try {
      return toPurpose(await this.insertOnce({ ...toDocument(purpose), requestKey: requestId || purpose.id }, [purposeCreated(purpose)], now));
    } catch (error) {
      if (isDuplicateKey(error)) throw new ConflictError(`a purpose with key "${fields.key}" exists already`);
      throw error;
    }
  }

  async get(tenantId: string, id: string): Promise<Purpose> {
    const purpose = await this.find(tenantId, id);
    if (!purpose) throw new NotFoundError(`purpose ${id} not found`);
    return purpose;
  }

  async find(tenantId: string, id: string): Promise<Purpose | undefined> {
    const document = await this.findDocument(tenantId, id);
    return document ? toPurpose(document) : undefined;
  }

  /** The tenant's purposes among ids, by id; one read. */
  async findMany(tenantId: string, ids: string[]): Promise<Map<string, Purpose>> {
    if (ids.length === 0) return new Map();
    const documents = await this.model.find({ tenantId, _id: { $in: [...new Set(ids)] } }, { outbox: 0 }).lean<PurposeDocument[]>();
    return new Map(documents.map((document) => [document._id, toPurpose(document)]));
  }

  /** Every purpose id of the tenant (a handful), for dropping a subject's cached consents. */
  async ids(tenantId: string): Promise<string[]> {
    return (await this.model.find({ tenantId }, { _id: 1 }).lean()).map((document) => document._id);
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<Purpose>> {
    const page = await this.page(tenantId, query, { fields: PURPOSE_LIST_FIELDS, defaultOrder: DEFAULT_PURPOSE_ORDER });
    return { items: page.items.map(toPurpose), pageInfo: page.pageInfo };
  }

  /**
   * Changes a purpose at the version the caller read (`expectedVersion`, or the current one when
   * it gives none): `change` says what it becomes and which fields changed. Nothing changed,
   * nothing written. FAILED_PRECONDITION when someone changed it in between.
   */
  async change(actor: Actor, id: string, expectedVersion: number | undefined, change: (current: Purpose) => { purpose: Purpose; changed: string[] }): Promise<Purpose> {
    const current = await this.get(actor.tenantId, id);
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw new PreconditionFailedError(`purpose ${id} changed since it was read (version ${current.version}); read it again`);
    }
    const { purpose, changed } = change(current);
    if (changed.length === 0) return current;
    const now = new Date();
    const next: Purpose = { ...purpose, updatedAt: now, updatedBy: actor.subject, version: current.version + 1 };
    const { _id, tenantId, createdAt: _c, createdBy: _cb, ...fields } = toDocument(next);
    if (!(await this.updateAtVersion(tenantId, _id, current.version, { $set: fields }, [purposeUpdated(next, changed)], now))) {
      throw new PreconditionFailedError(`purpose ${id} changed while it was being updated; read it again`);
    }
    return next;
  }
}

function toDocument(purpose: Purpose): Omit<PurposeDocument, "requestKey" | "outbox" | "outboxSince"> {
  const { id, ...rest } = purpose;
  return { ...rest, _id: id };
}

/** The domain object of a stored document, with or without its outbox. */
function toPurpose(document: Omit<PurposeDocument, "outbox"> & Partial<PurposeDocument>): Purpose {
  const { _id, requestKey: _key, outbox: _outbox, outboxSince: _since, ...fields } = document;
  return { ...fields, id: _id, notices: fields.notices ?? [], renewalRequiredFrom: fields.renewalRequiredFrom ?? 0 };
}
