import { idempotentCreatePlugin, outboxPlugin, recordAuditPlugin, registerModel, tenantScopePlugin, type OutboxEvent } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { Amount } from "../domain/money";
import type { Product } from "../domain/product";

export interface ProductDocument extends Omit<Product, "id"> {
  _id: string;
  requestKey: string;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const schema = new Schema<ProductDocument>(
  {
    _id: { type: String, required: true },
    sku: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String, default: "" },
    prices: { type: Schema.Types.Mixed, default: [] } as unknown as Amount[],
    billing: { type: String, required: true },
    interval: { type: String, default: "" },
    active: { type: Boolean, required: true },
  },
  { collection: "products", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);
schema.plugin(recordAuditPlugin);
schema.plugin(outboxPlugin);
schema.plugin(idempotentCreatePlugin);
// A SKU names one product per tenant; it orders the catalogue by default.
schema.index({ tenantId: 1, sku: 1 }, { unique: true });
schema.index({ tenantId: 1, name: 1, _id: 1 });
schema.index({ tenantId: 1, createdAt: -1, _id: -1 });

export type ProductModel = Model<ProductDocument>;

export const createProductModel = (connection: Connection): Promise<ProductModel> => registerModel(connection, "Product", schema);
