import { NotFoundError, PreconditionFailedError, TenantRepository, escapeRegex, type ListQuery, type ModelOutbox, type OutboxEvent, type Page } from "@crm/kit";
import type { AnyBulkWriteOperation, UpdateQuery } from "mongoose";
import { DEFAULT_TICKET_ORDER, TICKET_LIST_FIELDS } from "../domain/list-fields";
import { nextAlertAt } from "../domain/sla";
import type { Ticket } from "../domain/ticket";
import { isDone, priorityRank } from "../domain/vocabulary";
import type { TicketDocument, TicketModel } from "./ticket.model";

/** The deadline of tickets without a running clock, so that `slaDueAt` orders them last. */
export const NO_DEADLINE = new Date("9999-12-31T00:00:00Z");

/** What lists and batch passes leave out of a ticket: its comments, history and outbox. */
const SLIM = { comments: 0, history: 0, outbox: 0 } as const;

/**
 * The only code that reads and writes tickets: scoped to a tenant, each write with its events and
 * at the version read, and the queues the SLA scheduler works through (`slaWatchAt`) and the
 * recalculation walks (open tickets by id).
 */
export class TicketRepository extends TenantRepository<TicketDocument> {
  constructor(model: TicketModel, outbox: ModelOutbox) {
    super(model, outbox);
  }

  /** Stores a new ticket with its events; a create repeated with its request id answers the first. */
  async create(ticket: Ticket, events: OutboxEvent[], requestId: string): Promise<Ticket> {
    return toTicket(await this.insertOnce({ ...toDocument(ticket), mergedFrom: [], requestKey: requestId || ticket.id }, events, ticket.createdAt));
  }

  /** Stores many tickets at once without events (the benchmark's seed, an import of history): one insert. */
  async createMany(tickets: Ticket[]): Promise<void> {
    if (tickets.length > 0) await this.model.insertMany(tickets.map((ticket) => ({ ...toDocument(ticket), mergedFrom: [], requestKey: ticket.id, outbox: [] })));
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

  /** Writes the ticket's new state at the version read, with its events; FAILED_PRECONDITION when it changed meanwhile. */
  async save(current: Pick<Ticket, "id" | "tenantId" | "version">, next: Ticket, events: OutboxEvent[]): Promise<Ticket> {
    if (!(await this.updateAtVersion(current.tenantId, current.id, current.version, replacement(next), events, next.updatedAt))) {
      throw new PreconditionFailedError(`ticket ${current.id} changed since it was read; read it again`);
    }
    return next;
  }

  /** Like save, but false instead of an error when the ticket changed meanwhile (the scheduler then reads it again). */
  async saveIfUnchanged(current: Ticket, next: Ticket, events: OutboxEvent[]): Promise<boolean> {
    return this.updateAtVersion(current.tenantId, current.id, current.version, replacement(next), events, next.updatedAt);
  }

  /** The earliest alert still to be announced, in any tenant, to sleep until it. */
  async nextWatchAt(): Promise<Date | undefined> {
    // Across tenants on purpose (the scheduler serves them all): the raw collection, as the outbox relay does.
    const [next] = await this.model.collection.find({ slaWatchAt: { $gte: new Date(0) } }, { projection: { slaWatchAt: 1 } }).sort({ slaWatchAt: 1 }).limit(1).toArray();
    return (next?.slaWatchAt as Date | undefined) ?? undefined;
  }

  /** Tickets, in any tenant, with an alert due by `now`: oldest first. */
  async dueForAlerts(now: Date, limit: number): Promise<Ticket[]> {
    const documents = await this.model.collection.find({ slaWatchAt: { $lte: now } }, { projection: { outbox: 0 } }).sort({ slaWatchAt: 1 }).limit(limit).toArray();
    return (documents as unknown as TicketDocument[]).map(toTicket);
  }

  /** A tenant's open tickets after an id, in id order, without comments and history: one batch of a recalculation. */
  async openBatch(tenantId: string, afterId: string, limit: number): Promise<Ticket[]> {
    const documents = await this.model
      .find({ tenantId, open: true, ...(afterId ? { _id: { $gt: afterId } } : {}) }, SLIM)
      .sort({ _id: 1 })
      .limit(limit)
      .lean<TicketDocument[]>();
    return documents.map((document) => toTicket({ ...document, comments: [], history: [] }));
  }

  /**
   * Writes recalculated SLAs in one bulk write, each at the version read and without a new
   * version (a deadline computed again is not an edit): a ticket changed meanwhile was computed
   * by that change, under the settings already in force. Returns how many were written.
   */
  async writeRecalculated(tickets: Ticket[]): Promise<number> {
    if (tickets.length === 0) return 0;
    const operations: AnyBulkWriteOperation<TicketDocument>[] = tickets.map((ticket) => {
      const { sla, timing, slaDueAt, slaWatchAt } = toDocument(ticket);
      const update: UpdateQuery<TicketDocument> = { $set: { sla, timing, slaDueAt, ...(slaWatchAt ? { slaWatchAt } : {}) } };
      if (!slaWatchAt) update.$unset = { slaWatchAt: "" };
      return { updateOne: { filter: { _id: ticket.id, tenantId: ticket.tenantId, version: ticket.version }, update } };
    });
    const result = await this.model.bulkWrite(operations, { ordered: false });
    return result.modifiedCount;
  }

  /** Tickets whose requester is one of these contacts, or was before a merge moved them (`mergedFrom`). */
  async ofRequesters(tenantId: string, contactIds: string[], field: "requesterId" | "mergedFrom" = "requesterId"): Promise<Ticket[]> {
    if (contactIds.length === 0) return [];
    return (await this.model.find({ tenantId, [field]: { $in: contactIds } }, { outbox: 0 }).lean<TicketDocument[]>()).map(toTicket);
  }

  /** Tickets that name a subject: as their requester (id, e-mail, phone) or in their text. */
  async naming(tenantId: string, subject: { contactIds: string[]; emails: string[]; phones: string[]; names: string[] }): Promise<Ticket[]> {
    const words = [...subject.emails, ...subject.phones, ...subject.names].filter((word) => word.trim().length >= 3);
    const patterns = words.map((word) => ({ $regex: escapeRegex(word.trim()), $options: "i" }));
    const conditions = [
      ...(subject.contactIds.length > 0 ? [{ requesterId: { $in: subject.contactIds } }, { mergedFrom: { $in: subject.contactIds } }] : []),
      ...(subject.emails.length > 0 ? [{ requesterEmail: { $in: subject.emails.map((email) => email.toLowerCase()) } }] : []),
      ...(subject.phones.length > 0 ? [{ requesterPhone: { $in: subject.phones } }] : []),
      ...patterns.flatMap((pattern) => [{ subject: pattern }, { description: pattern }, { "comments.body": pattern }]),
    ];
    if (conditions.length === 0) return [];
    return (await this.model.find({ tenantId, $or: conditions }, { outbox: 0 }).lean<TicketDocument[]>()).map(toTicket);
  }

  /** Moves tickets between requesters (a merge or its undo), remembering where they came from, with no new version. */
  async moveRequester(tenantId: string, ids: string[], update: UpdateQuery<TicketDocument>): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.model.updateMany({ tenantId, _id: { $in: ids } }, update);
    return result.modifiedCount;
  }
}

/** The document of a ticket: the domain fields and what queries need beside them. */
function toDocument(ticket: Ticket): Omit<TicketDocument, "requestKey" | "outbox" | "outboxSince" | "mergedFrom"> {
  const { id, ...rest } = ticket;
  const dueDates = ticket.sla.clocks.flatMap((clock) => (clock.dueAt && !clock.fulfilledAt ? [+clock.dueAt] : []));
  return {
    ...rest,
    _id: id,
    open: !isDone(ticket.status),
    priorityRank: priorityRank(ticket.priority),
    slaDueAt: dueDates.length > 0 ? new Date(Math.min(...dueDates)) : NO_DEADLINE,
    slaWatchAt: nextAlertAt(ticket.sla.clocks, ticket.sla.announced, ticket.updatedAt),
  };
}

/** The update that makes a stored ticket the given one: every field set, the absent optional ones unset. */
function replacement(ticket: Ticket): UpdateQuery<TicketDocument> {
  const { _id, tenantId: _tenant, createdAt: _created, createdBy: _creator, ...fields } = toDocument(ticket);
  const set: Record<string, unknown> = {};
  const unset: Record<string, ""> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) unset[key] = "";
    else set[key] = value;
  }
  for (const optional of ["firstResponseAt", "resolvedAt", "updateCycle", "slaWatchAt"]) if (!(optional in set)) unset[optional] = "";
  return Object.keys(unset).length > 0 ? { $set: set, $unset: unset } : { $set: set };
}

/** The domain object of a stored document. */
export function toTicket(document: Partial<TicketDocument> & Pick<TicketDocument, "_id">): Ticket {
  const { _id, open: _open, priorityRank: _rank, slaDueAt: _due, slaWatchAt: _watch, mergedFrom: _merged, requestKey: _key, outbox: _outbox, outboxSince: _since, ...fields } = document;
  const ticket = { ...(fields as Omit<Ticket, "id">), id: _id };
  // The SLA is stored as it is (a mixed field): unset times come back as null.
  if (ticket.sla) ticket.sla = { ...ticket.sla, clocks: ticket.sla.clocks.map((clock) => withoutNulls(clock)) };
  if (ticket.updateCycle) ticket.updateCycle = withoutNulls(ticket.updateCycle);
  return ticket;
}

function withoutNulls<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null)) as T;
}
