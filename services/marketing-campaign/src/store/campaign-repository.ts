import { NotFoundError, TenantRepository, newRecordAudit, uuidv7, type Actor, type ListQuery, type ModelOutbox, type Page } from "@crm/kit";
import type { Campaign, CampaignFields } from "../domain/campaign";
import { DEFAULT_CAMPAIGN_ORDER, CAMPAIGN_LIST_FIELDS } from "../domain/list-fields";
import { campaignCreated } from "../events/campaign-events";
import type { CampaignDocument, CampaignModel } from "./campaign.model";

/**
 * The only code that reads and writes campaigns. Every method names the tenant (the
 * kit's tenant plugin refuses a query that does not); every write carries its events.
 */
export class CampaignRepository extends TenantRepository<CampaignDocument> {
  constructor(model: CampaignModel, outbox: ModelOutbox) {
    super(model, outbox);
  }

  /** Stores a new campaign with its created event; a create repeated with its request id answers the first. */
  async create(actor: Actor, fields: CampaignFields, requestId: string): Promise<Campaign> {
    const now = new Date();
    const campaign: Campaign = { ...fields, id: uuidv7(now.getTime()), tenantId: actor.tenantId, ...newRecordAudit(actor, now) };
    const requestKey = requestId || campaign.id;
    return toCampaign(await this.insertOnce({ ...toDocument(campaign), requestKey }, [campaignCreated(campaign)], now));
  }

  async get(tenantId: string, id: string): Promise<Campaign> {
    const document = await this.findDocument(tenantId, id);
    if (!document) throw new NotFoundError(`campaign ${id} not found`);
    return toCampaign(document);
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<Campaign>> {
    const page = await this.page(tenantId, query, { fields: CAMPAIGN_LIST_FIELDS, defaultOrder: DEFAULT_CAMPAIGN_ORDER });
    return { items: page.items.map(toCampaign), pageInfo: page.pageInfo };
  }
}

function toDocument(campaign: Campaign): Omit<CampaignDocument, "requestKey" | "outbox" | "outboxSince"> {
  const { id, ...rest } = campaign;
  return { ...rest, _id: id };
}

/** The domain object of a stored document, with or without its outbox. */
function toCampaign(document: Omit<CampaignDocument, "outbox"> & Partial<CampaignDocument>): Campaign {
  const { _id, requestKey: _key, outbox: _outbox, outboxSince: _since, ...fields } = document;
  return { ...fields, id: _id };
}
