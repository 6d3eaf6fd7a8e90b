import { NotFoundError, TenantRepository, newRecordAudit, uuidv7, type Actor, type ListQuery, type ModelOutbox, type Page } from "@crm/kit";
import type { Ticket, TicketFields } from "../domain/ticket";
import { DEFAULT_TICKET_ORDER, TICKET_LIST_FIELDS } from "../domain/list-fields";
import { ticketCreated } from "../events/ticket-events";
import type { TicketDocument, TicketModel } from "./ticket.model";

/**
 * The only code that reads and writes tickets. Every method names the tenant (the
 * kit's tenant plugin refuses a query that does not); every write carries its events.
 */
export class TicketRepository extends TenantRepository<TicketDocument> {
  constructor(model: TicketModel, outbox: ModelOutbox) {
    super(model, outbox);
  }

  /** Stores a new ticket with its created event; a create repeated with its request id answers the first. */
  async create(actor: Actor, fields: TicketFields, requestId: string): Promise<Ticket> {
    const now = new Date();
    const ticket: Ticket = { ...fields, id: uuidv7(now.getTime()), tenantId: actor.tenantId, ...newRecordAudit(actor, now) };
    const requestKey = requestId || ticket.id;
    return toTicket(await this.insertOnce({ ...toDocument(ticket), requestKey }, [ticketCreated(ticket)], now));
  }

  async get(tenantId: string, id: string): Promise<Ticket> {
    const document = await this.findDocument(tenantId, id);
    if (!document) throw new NotFoundError(`ticket ${id} not found`);
    return toTicket(document);
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<Ticket>> {
    const page = await this.page(tenantId, query, { fields: TICKET_LIST_FIELDS, defaultOrder: DEFAULT_TICKET_ORDER });
    return { items: page.items.map(toTicket), pageInfo: page.pageInfo };
  }
}

function toDocument(ticket: Ticket): Omit<TicketDocument, "requestKey" | "outbox" | "outboxSince"> {
  const { id, ...rest } = ticket;
  return { ...rest, _id: id };
}

/** The domain object of a stored document, with or without its outbox. */
function toTicket(document: Omit<TicketDocument, "outbox"> & Partial<TicketDocument>): Ticket {
  const { _id, requestKey: _key, outbox: _outbox, outboxSince: _since, ...fields } = document;
  return { ...fields, id: _id };
}
