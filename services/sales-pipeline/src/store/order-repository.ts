import { NotFoundError, PreconditionFailedError, TenantRepository, newRecordAudit, uuidv7, type Actor, type ListQuery, type ModelOutbox, type Page } from "@crm/kit";
import type { CustomerType, ValuedOrder } from "../domain/customer-value";
import { DEFAULT_ORDER_ORDER, ORDER_LIST_FIELDS } from "../domain/list-fields";
import type { Order, OrderFields, OrderStatus } from "../domain/order";
import { orderPlaced, orderStatusChanged } from "../events/order-events";
import type { OrderDocument, OrderModel } from "./order.model";

const WITHOUT_OUTBOX = { outbox: 0, valuePendingSince: 0 } as const;
const buyerPath = (type: CustomerType) => (type === "contact" ? "contactId" : "organizationId");

/** An order whose customers' values still have to take it in. */
export interface PendingValue {
  tenantId: string;
  orderId: string;
  contactId: string;
  organizationId: string;
  since: Date;
}

/**
 * The only code that reads and writes orders. Each write carries its event and marks the order
 * for its customers' values (`valuePendingSince`), which CustomerValues clears once they took it in.
 */
export class OrderRepository extends TenantRepository<OrderDocument> {
  constructor(model: OrderModel, outbox: ModelOutbox) {
    super(model, outbox);
  }

  async create(actor: Actor, fields: OrderFields, requestId: string): Promise<{ order: Order; pending: PendingValue }> {
    const now = new Date();
    const id = uuidv7(now.getTime());
    const order: Order = { ...fields, id, tenantId: actor.tenantId, status: "placed", statusHistory: [{ status: "placed", at: fields.placedAt, by: actor.subject }], ...newRecordAudit(actor, now) };
    const { id: _id, ...rest } = order;
    const stored = await this.insertOnce({ ...rest, _id: id, requestKey: requestId || id, valuePendingSince: now }, [orderPlaced(order)], now);
    const created = toOrder(stored);
    return { order: created, pending: pendingOf(created, stored.valuePendingSince ?? now) };
  }

  async get(tenantId: string, id: string): Promise<Order> {
    const document = await this.findDocument(tenantId, id, WITHOUT_OUTBOX);
    if (!document) throw new NotFoundError(`order ${id} not found`);
    return toOrder(document);
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<Order>> {
    const page = await this.page(tenantId, query, { fields: ORDER_LIST_FIELDS, defaultOrder: DEFAULT_ORDER_ORDER });
    return { items: page.items.map(toOrder), pageInfo: page.pageInfo };
  }

  async changeStatus(actor: Actor, current: Order, status: OrderStatus): Promise<{ order: Order; pending: PendingValue }> {
    const now = new Date();
    const next: Order = { ...current, status, statusHistory: [...current.statusHistory, { status, at: now, by: actor.subject }], updatedAt: now, updatedBy: actor.subject, version: current.version + 1 };
    const update = { $set: { status, statusHistory: next.statusHistory, updatedAt: now, updatedBy: actor.subject, version: next.version, valuePendingSince: now } };
    if (!(await this.updateAtVersion(current.tenantId, current.id, current.version, update, [orderStatusChanged(next, current.status, actor.subject, now)], now))) {
      throw new PreconditionFailedError(`order ${current.id} changed since it was read; read it again`);
    }
    return { order: next, pending: pendingOf(next, now) };
  }

  /** Every order of a customer, as its value needs them. */
  async valuedOrdersOf(tenantId: string, type: CustomerType, customerId: string): Promise<ValuedOrder[]> {
    return this.model.find({ tenantId, [buyerPath(type)]: customerId }, { status: 1, currency: 1, totalMinor: 1, placedAt: 1, lines: 1 }).lean<ValuedOrder[]>();
  }

  async recentOf(tenantId: string, type: CustomerType, customerId: string, limit: number): Promise<{ orders: Order[]; total: number }> {
    const where = { tenantId, [buyerPath(type)]: customerId };
    const [documents, total] = await Promise.all([this.model.find(where, WITHOUT_OUTBOX).sort({ placedAt: -1 }).limit(limit).lean<OrderDocument[]>(), this.model.countDocuments(where)]);
    return { orders: documents.map(toOrder), total };
  }

  /** The order's customers' values took it in: clears the mark set at `since` (a later change keeps its own). */
  async valueTaken(pending: PendingValue): Promise<void> {
    await this.model.updateOne({ _id: pending.orderId, tenantId: pending.tenantId, valuePendingSince: pending.since }, { $unset: { valuePendingSince: "" } });
  }

  /** Orders, in any tenant, marked before `before` and not taken in: the customer-value sweep's queue. */
  async pendingValues(before: Date, limit: number): Promise<PendingValue[]> {
    const documents = await this.model.collection.find({ valuePendingSince: { $lt: before } }, { projection: { tenantId: 1, contactId: 1, organizationId: 1, valuePendingSince: 1 } }).limit(limit).toArray();
    return documents.map((d) => ({ tenantId: d.tenantId as string, orderId: String(d._id), contactId: (d.contactId as string) ?? "", organizationId: (d.organizationId as string) ?? "", since: d.valuePendingSince as Date }));
  }

  /** Orders of the merged contact now name the survivor; marked for both values. */
  async repointContact(tenantId: string, mergedId: string, survivorId: string): Promise<number> {
    return (await this.model.updateMany({ tenantId, contactId: mergedId }, { $set: { contactId: survivorId, valuePendingSince: new Date() }, $inc: { version: 1 } })).modifiedCount;
  }

  /** Orders of erased contacts keep their amounts with an anonymous buyer; answers how many. */
  async anonymiseBuyer(tenantId: string, contactIds: string[]): Promise<number> {
    if (contactIds.length === 0) return 0;
    return (await this.model.updateMany({ tenantId, contactId: { $in: contactIds } }, { $set: { contactId: "", buyerErased: true, updatedAt: new Date(), updatedBy: "service:sales-pipeline" }, $inc: { version: 1 } })).modifiedCount;
  }
}

function pendingOf(order: Order, since: Date): PendingValue {
  return { tenantId: order.tenantId, orderId: order.id, contactId: order.contactId, organizationId: order.organizationId, since };
}

export function toOrder(document: Partial<OrderDocument> & Pick<OrderDocument, "_id">): Order {
  const { _id, requestKey: _key, outbox: _outbox, outboxSince: _since, valuePendingSince: _pending, ...fields } = document;
  return { ...(fields as Omit<Order, "id">), id: _id };
}
