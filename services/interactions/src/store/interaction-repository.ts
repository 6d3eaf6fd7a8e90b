import { NotFoundError, TenantRepository, newRecordAudit, uuidv7, type Actor, type ListQuery, type ModelOutbox, type Page } from "@crm/kit";
import type { Interaction, InteractionFields } from "../domain/interaction";
import { DEFAULT_INTERACTION_ORDER, INTERACTION_LIST_FIELDS } from "../domain/list-fields";
import { interactionCreated } from "../events/interaction-events";
import type { InteractionDocument, InteractionModel } from "./interaction.model";

/**
 * The only code that reads and writes interactions. Every method names the tenant (the
 * kit's tenant plugin refuses a query that does not); every write carries its events.
 */
export class InteractionRepository extends TenantRepository<InteractionDocument> {
  constructor(model: InteractionModel, outbox: ModelOutbox) {
    super(model, outbox);
  }

  /** Stores a new interaction with its created event; a create repeated with its request id answers the first. */
  async create(actor: Actor, fields: InteractionFields, requestId: string): Promise<Interaction> {
    const now = new Date();
    const interaction: Interaction = { ...fields, id: uuidv7(now.getTime()), tenantId: actor.tenantId, ...newRecordAudit(actor, now) };
    const requestKey = requestId || interaction.id;
    return toInteraction(await this.insertOnce({ ...toDocument(interaction), requestKey }, [interactionCreated(interaction)], now));
  }

  async get(tenantId: string, id: string): Promise<Interaction> {
    const document = await this.findDocument(tenantId, id);
    if (!document) throw new NotFoundError(`interaction ${id} not found`);
    return toInteraction(document);
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<Interaction>> {
    const page = await this.page(tenantId, query, { fields: INTERACTION_LIST_FIELDS, defaultOrder: DEFAULT_INTERACTION_ORDER });
    return { items: page.items.map(toInteraction), pageInfo: page.pageInfo };
  }
}

function toDocument(interaction: Interaction): Omit<InteractionDocument, "requestKey" | "outbox" | "outboxSince"> {
  const { id, ...rest } = interaction;
  return { ...rest, _id: id };
}

/** The domain object of a stored document, with or without its outbox. */
function toInteraction(document: Omit<InteractionDocument, "outbox"> & Partial<InteractionDocument>): Interaction {
  const { _id, requestKey: _key, outbox: _outbox, outboxSince: _since, ...fields } = document;
  return { ...fields, id: _id };
}
