import { NotFoundError, TenantRepository, newRecordAudit, uuidv7, type Actor, type ListQuery, type ModelOutbox, type Page } from "@crm/kit";
import type { Lead, LeadFields } from "../domain/lead";
import { DEFAULT_LEAD_ORDER, LEAD_LIST_FIELDS } from "../domain/list-fields";
import { leadCreated } from "../events/lead-events";
import type { LeadDocument, LeadModel } from "./lead.model";

/**
 * The only code that reads and writes leads. Every method names the tenant (the
 * kit's tenant plugin refuses a query that does not); every write carries its events.
 */
export class LeadRepository extends TenantRepository<LeadDocument> {
  constructor(model: LeadModel, outbox: ModelOutbox) {
    super(model, outbox);
  }

  /** Stores a new lead with its created event; a create repeated with its request id answers the first. */
  async create(actor: Actor, fields: LeadFields, requestId: string): Promise<Lead> {
    const now = new Date();
    const lead: Lead = { ...fields, id: uuidv7(now.getTime()), tenantId: actor.tenantId, ...newRecordAudit(actor, now) };
    const requestKey = requestId || lead.id;
    return toLead(await this.insertOnce({ ...toDocument(lead), requestKey }, [leadCreated(lead)], now));
  }

  async get(tenantId: string, id: string): Promise<Lead> {
    const document = await this.findDocument(tenantId, id);
    if (!document) throw new NotFoundError(`lead ${id} not found`);
    return toLead(document);
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<Lead>> {
    const page = await this.page(tenantId, query, { fields: LEAD_LIST_FIELDS, defaultOrder: DEFAULT_LEAD_ORDER });
    return { items: page.items.map(toLead), pageInfo: page.pageInfo };
  }
}

function toDocument(lead: Lead): Omit<LeadDocument, "requestKey" | "outbox" | "outboxSince"> {
  const { id, ...rest } = lead;
  return { ...rest, _id: id };
}

/** The domain object of a stored document, with or without its outbox. */
function toLead(document: Omit<LeadDocument, "outbox"> & Partial<LeadDocument>): Lead {
  const { _id, requestKey: _key, outbox: _outbox, outboxSince: _since, ...fields } = document;
  return { ...fields, id: _id };
}
