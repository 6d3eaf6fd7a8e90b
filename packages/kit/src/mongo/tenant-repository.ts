import type { Model, ProjectionType, UpdateQuery } from "mongoose";
import type { commonV1 } from "@crm/proto";
import type { FieldSpecs } from "../query/fields";
import { toMongoFilter } from "../query/filter";
import { paginate, type Page } from "../query/paginate";
import { isDuplicateKey } from "./duplicate-key";
import { appendToOutbox, type OutboxEvent } from "./outbox";
import type { ModelOutbox } from "./outbox-relay";

/** A document to insert with its events, written at `at` (its outboxSince). */
export interface NewDocument<D> {
  document: Omit<D, "outbox" | "outboxSince">;
  events: OutboxEvent[];
  at: Date;
}

/** What every List method passes to its repository: the parsed filter, the order and the page. */
export interface ListQuery {
  filter?: commonV1.Filter | undefined;
  orderBy: commonV1.OrderBy[];
  page?: commonV1.PageRequest | undefined;
}

export interface ListOptions {
  /** The API fields a list may filter and order by (the allow-list), with their stored paths. */
  fields: FieldSpecs;
  /** Order when the caller gives none. */
  defaultOrder: commonV1.OrderBy;
  /** The repository's own conditions (a state, search tokens), beside the tenant. */
  where?: Record<string, unknown>;
}

/**
 * The query of a list: the tenant and the repository's own conditions at the top level (where
 * the tenant guard looks), the caller's filter, translated over the allow-list, under `$and`.
 */
export function listFilter(tenantId: string, filter: commonV1.Filter | undefined, fields: FieldSpecs, where: Record<string, unknown> = {}): Record<string, unknown> {
  const translated = toMongoFilter(filter, fields);
  return { tenantId, ...where, ...(Object.keys(translated).length > 0 ? { $and: [translated] } : {}) };
}

/**
 * Base of the repositories over one model with the tenant and outbox plugins: reads name the
 * tenant (the plugin refuses a query that does not), writes carry their events in the same
 * update and tell the relay, so that events leave at once. Subclasses map documents to domain
 * objects and add their own queries.
 */
export abstract class TenantRepository<D extends { _id: string; tenantId: string }> {
  protected constructor(
    readonly model: Model<D>,
    /**
     * The relay, told after each write that left events in the outbox (relay.outboxOf(model)); a
     * subclass that writes events under conditions of its own (a claim) tells it too.
     */
    protected readonly outbox: ModelOutbox,
  ) {}

  /** Stores new documents, each with its events, in one write; the relay publishes them without reading them back. */
  protected async insertWithEvents(items: Array<NewDocument<D>>): Promise<void> {
    if (items.length === 0) return;
    await this.model.insertMany(items.map(({ document, events, at }) => ({ ...document, outbox: events, outboxSince: at })) as never);
    this.outbox.inserted(items.map(({ document, events, at }) => ({ id: document._id, events, since: at })));
  }

  /**
   * Stores a new document and its events once per request key (idempotentCreatePlugin): a create
   * repeated with the key of one already stored, a client's retry after a timeout, stores nothing
   * and answers the first document.
   */
  protected async insertOnce<N extends Omit<D, "outbox" | "outboxSince"> & { requestKey: string }>(document: N, events: OutboxEvent[], at: Date): Promise<N> {
    try {
      await this.model.create({ ...document, outbox: events, outboxSince: at } as never);
      this.outbox.inserted([{ id: document._id, events, since: at }]);
      return document;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const first = await this.model.findOne({ tenantId: document.tenantId, requestKey: document.requestKey } as never, { outbox: 0 }).lean<N>();
      if (!first) throw error;
      return first;
    }
  }

  /** A document of the tenant by id, without its outbox (and any other fields the projection drops). */
  protected async findDocument(tenantId: string, id: string, projection: ProjectionType<D> = { outbox: 0 } as ProjectionType<D>): Promise<D | undefined> {
    return (await this.model.findOne({ _id: id, tenantId }, projection).lean<D>()) ?? undefined;
  }

  /**
   * Applies an update to the document at the version the caller read, with its events, in one
   * write. False when nothing matched: the document is gone or changed since it was read.
   */
  protected async updateAtVersion(tenantId: string, id: string, version: number, update: UpdateQuery<D>, events: OutboxEvent[], at: Date): Promise<boolean> {
    const append = events.length > 0 ? appendToOutbox(events, at) : undefined;
    const result = await this.model.updateOne(
      { _id: id, tenantId, version } as never,
      append ? { ...update, $set: { ...update.$set, ...append.$set }, $push: append.$push } : update,
    );
    if (result.matchedCount > 0 && append) this.outbox.changed(id);
    return result.matchedCount > 0;
  }

  /** One page of the tenant's documents matching the caller's filter, in a stable order with cursors. */
  protected async page(tenantId: string, query: ListQuery, { fields, defaultOrder, where }: ListOptions): Promise<Page<D>> {
    return paginate<D>(this.model, listFilter(tenantId, query.filter, fields, where), fields, { orderBy: query.orderBy, page: query.page, defaultOrder });
  }
}
