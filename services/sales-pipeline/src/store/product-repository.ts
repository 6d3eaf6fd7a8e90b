import { type Actor, ConflictError, isDuplicateKey, type ListQuery, type ModelOutbox, newRecordAudit, NotFoundError, type Page, PreconditionFailedError, TenantRepository, uuidv7 } from "@crm/kit";
import { DEFAULT_PRODUCT_ORDER, PRODUCT_LIST_FIELDS } from "../domain/list-fields";
import type { Product, ProductFields } from "../domain/product";
import type { ProductDocument, ProductModel } from "./product.model";

/** The catalogue: products by id and by SKU (unique per tenant). */
export class ProductRepository extends TenantRepository<ProductDocument> {
  constructor(model: ProductModel, outbox: ModelOutbox) {
    super(model, outbox);
  }

  async create(actor: Actor, fields: ProductFields, requestId: string): Promise<Product> {
    const now = new Date();
    const id = uuidv7(now.getTime());
    const document = { ...fields, _id: id, tenantId: actor.tenantId, ...newRecordAudit(actor, now), requestKey: requestId || id };
    try {
      return toProduct(await this.insertOnce(document, [], now));
    } catch (error) {
      if (isDuplicateKey(error)) throw new ConflictError(`SKU ${fields.sku} is already in the catalogue`);
      throw error;
    }
  }

  async get(tenantId: string, id: string): Promise<Product> {
    const document = await this.findDocument(tenantId, id);
    if (!document) throw new NotFoundError(`product ${id} not found`);
    return toProduct(document);
  }

  /** The products of these SKUs, by SKU (the ones not in the catalogue are absent). */
  async bySkus(tenantId: string, skus: string[]): Promise<Map<string, Product>> {
    if (skus.length === 0) return new Map();
    const documents = await this.model.find({ tenantId, sku: { $in: skus } }, { outbox: 0 }).lean<ProductDocument[]>();
    return new Map(documents.map((document) => [document.sku, toProduct(document)]));
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<Product>> {
    const page = await this.page(tenantId, query, { fields: PRODUCT_LIST_FIELDS, defaultOrder: DEFAULT_PRODUCT_ORDER });
    return { items: page.items.map(toProduct), pageInfo: page.pageInfo };
  }

  async update(actor: Actor, current: Product, fields: ProductFields): Promise<Product> {
    const now = new Date();
    const next: Product = { ...current, ...fields, updatedAt: now, updatedBy: actor.subject, version: current.version + 1 };
    try {
      const written = await this.updateAtVersion(current.tenantId, current.id, current.version, { $set: { ...fields, updatedAt: now, updatedBy: actor.subject, version: next.version } }, [], now);
      if (!written) throw new PreconditionFailedError(`product ${current.id} changed since it was read; read it again`);
    } catch (error) {
      if (isDuplicateKey(error)) throw new ConflictError(`SKU ${fields.sku} is already in the catalogue`);
      throw error;
    }
    return next;
  }
}

function toProduct(document: Partial<ProductDocument> & Pick<ProductDocument, "_id">): Product {
  const { _id, requestKey: _key, outbox: _outbox, outboxSince: _since, ...fields } = document;
  return { ...(fields as Omit<Product, "id">), id: _id };
}
