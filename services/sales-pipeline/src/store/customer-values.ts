import type { ListQuery, Logger, Page } from "@crm/kit";
import { paginate, listFilter, DUPLICATE_KEY } from "@crm/kit";
import { customerValueOf, type CustomerType, type CurrencyValue, type HeldProduct } from "../domain/customer-value";
import { CUSTOMER_VALUE_LIST_FIELDS, DEFAULT_CUSTOMER_VALUE_ORDER } from "../domain/list-fields";
import type { CustomerProductDocument, CustomerProductModel, CustomerValueDocument, CustomerValueModel } from "./customer-value.model";
import type { OrderRepository, PendingValue } from "./order-repository";

export interface CustomerValueRow extends CurrencyValue {
  customerType: CustomerType;
  customerId: string;
  activeSkus: string[];
  updatedAt: Date;
}

/**
 * Customer value (per contact and per organisation, per currency) and the products each has,
 * kept current from orders: computed again from the customer's orders after each order change,
 * and by the sweep for changes whose computation a crash cut short.
 */
export class CustomerValues {
  constructor(
    private readonly values: CustomerValueModel,
    private readonly products: CustomerProductModel,
    private readonly orders: OrderRepository,
    private readonly log: Logger,
  ) {}

  /** Brings the values of an order's customers up to date with it, then clears its mark. */
  async takeIn(pending: PendingValue): Promise<void> {
    await Promise.all([
      ...(pending.contactId ? [this.refresh(pending.tenantId, "contact", pending.contactId)] : []),
      ...(pending.organizationId ? [this.refresh(pending.tenantId, "organization", pending.organizationId)] : []),
    ]);
    await this.orders.valueTaken(pending);
  }

  /** Computes a customer's value again from all its orders, and stores it unless a newer computation already did. */
  async refresh(tenantId: string, customerType: CustomerType, customerId: string): Promise<void> {
    const asOf = new Date();
    const { values, products } = customerValueOf(await this.orders.valuedOrdersOf(tenantId, customerType, customerId));
    const key = `${customerType}:${customerId}`;
    const activeSkus = products.map((product) => product.sku);
    const older = { $or: [{ asOf: { $lt: asOf } }, { asOf: { $exists: false } }] };
    const valueDocuments: CustomerValueDocument[] = values.map((value) => ({ ...value, _id: `${key}:${value.currency}`, tenantId, customerType, customerId, activeSkus, asOf, updatedAt: asOf }));
    const productDocuments: CustomerProductDocument[] = products.map((product) => ({ ...product, _id: `${key}:${product.sku}`, tenantId, customerType, customerId, asOf }));
    await Promise.all([replaceIfNewer(this.values, valueDocuments, older), replaceIfNewer(this.products, productDocuments, older)]);
    const scope = { tenantId, customerType, customerId, ...older };
    await Promise.all([
      this.values.deleteMany({ ...scope, currency: { $nin: values.map((v) => v.currency) } }),
      this.products.deleteMany({ ...scope, sku: { $nin: activeSkus } }),
    ]);
  }

  /** One pass of the sweep: order changes older than `settleMs` whose values were not taken in. Answers how many. */
  async sweep(now: Date, settleMs: number, batch: number): Promise<number> {
    const pending = await this.orders.pendingValues(new Date(now.getTime() - settleMs), batch);
    for (const item of pending) await this.takeIn(item);
    if (pending.length > 0) this.log.info({ orders: pending.length }, "customer values brought up to date after interrupted order writes");
    return pending.length;
  }

  async of(tenantId: string, customerType: CustomerType, customerId: string): Promise<{ values: CustomerValueRow[]; products: HeldProduct[] }> {
    const [values, products] = await Promise.all([
      this.values.find({ tenantId, customerType, customerId }).sort({ currency: 1 }).lean<CustomerValueDocument[]>(),
      this.products.find({ tenantId, customerType, customerId }).sort({ sku: 1 }).lean<CustomerProductDocument[]>(),
    ]);
    return {
      values: values.map(toRow),
      products: products.map(({ sku, productId, name, recurring, since, quantity }) => ({ sku, productId, name, recurring, since, quantity })),
    };
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<CustomerValueRow>> {
    const page = await paginate<CustomerValueDocument>(this.values, listFilter(tenantId, query.filter, CUSTOMER_VALUE_LIST_FIELDS), CUSTOMER_VALUE_LIST_FIELDS, {
      orderBy: query.orderBy,
      page: query.page,
      defaultOrder: DEFAULT_CUSTOMER_VALUE_ORDER,
    });
    return { items: page.items.map(toRow), pageInfo: page.pageInfo };
  }

  /** Drops what is known of erased contacts' value (their orders stay, anonymous). */
  async eraseContacts(tenantId: string, contactIds: string[]): Promise<number> {
    if (contactIds.length === 0) return 0;
    const where = { tenantId, customerType: "contact" as const, customerId: { $in: contactIds } };
    const removed = (await this.values.deleteMany(where)).deletedCount;
    await this.products.deleteMany(where);
    return removed;
  }

}

/**
 * Stores each document unless a newer computation of it is stored (its `asOf` is later), in one
 * write: an upsert that meets a newer document collides with it on the id, which is ignored.
 */
async function replaceIfNewer<D extends { _id: string; tenantId: string }>(model: CustomerValueModel | CustomerProductModel, documents: D[], older: object): Promise<void> {
  if (documents.length === 0) return;
  const operations = documents.map((document) => ({ replaceOne: { filter: { _id: document._id, tenantId: document.tenantId, ...older }, replacement: document, upsert: true } }));
  try {
    await (model as unknown as CustomerValueModel).bulkWrite(operations as never, { ordered: false });
  } catch (error) {
    const failures = (error as { writeErrors?: Array<{ code?: number }> }).writeErrors;
    if (!failures || failures.some((failure) => failure.code !== DUPLICATE_KEY)) throw error;
  }
}

function toRow(document: CustomerValueDocument): CustomerValueRow {
  const { _id, tenantId: _t, asOf: _a, ...row } = document;
  return row;
}
