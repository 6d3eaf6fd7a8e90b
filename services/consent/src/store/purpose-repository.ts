import { NotFoundError, TenantRepository, newRecordAudit, uuidv7, type Actor, type ListQuery, type ModelOutbox, type Page } from "@crm/kit";
import type { Purpose, PurposeFields } from "../domain/purpose";
import { DEFAULT_PURPOSE_ORDER, PURPOSE_LIST_FIELDS } from "../domain/list-fields";
import { purposeCreated } from "../events/purpose-events";
import type { PurposeDocument, PurposeModel } from "./purpose.model";

/**
 * The only code that reads and writes purposes. Every method names the tenant (the
 * kit's tenant plugin refuses a query that does not); every write carries its events.
 */
export class PurposeRepository extends TenantRepository<PurposeDocument> {
  constructor(model: PurposeModel, outbox: ModelOutbox) {
    super(model, outbox);
  }

  /** Stores a new purpose with its created event; a create repeated with its request id answers the first. */
  async create(actor: Actor, fields: PurposeFields, requestId: string): Promise<Purpose> {
    const now = new Date();
    const purpose: Purpose = { ...fields, id: uuidv7(now.getTime()), tenantId: actor.tenantId, ...newRecordAudit(actor, now) };
    const requestKey = requestId || purpose.id;
    return toPurpose(await this.insertOnce({ ...toDocument(purpose), requestKey }, [purposeCreated(purpose)], now));
  }

  async get(tenantId: string, id: string): Promise<Purpose> {
    const document = await this.findDocument(tenantId, id);
    if (!document) throw new NotFoundError(`purpose ${id} not found`);
    return toPurpose(document);
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<Purpose>> {
    const page = await this.page(tenantId, query, { fields: PURPOSE_LIST_FIELDS, defaultOrder: DEFAULT_PURPOSE_ORDER });
    return { items: page.items.map(toPurpose), pageInfo: page.pageInfo };
  }
}

function toDocument(purpose: Purpose): Omit<PurposeDocument, "requestKey" | "outbox" | "outboxSince"> {
  const { id, ...rest } = purpose;
  return { ...rest, _id: id };
}

/** The domain object of a stored document, with or without its outbox. */
function toPurpose(document: Omit<PurposeDocument, "outbox"> & Partial<PurposeDocument>): Purpose {
  const { _id, requestKey: _key, outbox: _outbox, outboxSince: _since, ...fields } = document;
  return { ...fields, id: _id };
}
