import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { CustomerType } from "../domain/customer-value";

/**
 * A customer's value in one currency (`<type>:<id>:<currency>`), kept current from its orders; the
 * SKUs it has are on each of its currencies' documents, so that one filter can ask for both
 * (`and(lifetimeValue[gte]:10000,activeProduct[eq]:SKU-1)`). `asOf` is when the orders it was
 * computed from were read: an older computation never overwrites a newer one.
 */
export interface CustomerValueDocument {
  _id: string;
  tenantId: string;
  customerType: CustomerType;
  customerId: string;
  currency: string;
  lifetimeMinor: number;
  orderCount: number;
  averageMinor: number;
  firstPurchaseAt: Date;
  lastPurchaseAt: Date;
  activeSkus: string[];
  asOf: Date;
  updatedAt: Date;
}

/** A product a customer has (`<type>:<id>:<sku>`). */
export interface CustomerProductDocument {
  _id: string;
  tenantId: string;
  customerType: CustomerType;
  customerId: string;
  sku: string;
  productId: string;
  name: string;
  recurring: boolean;
  since: Date;
  quantity: number;
  asOf: Date;
}

const valueSchema = new Schema<CustomerValueDocument>(
  {
    _id: { type: String, required: true },
    customerType: { type: String, required: true },
    customerId: { type: String, required: true },
    currency: { type: String, required: true },
    lifetimeMinor: { type: Number, required: true },
    orderCount: { type: Number, required: true },
    averageMinor: { type: Number, required: true },
    firstPurchaseAt: { type: Date, required: true },
    lastPurchaseAt: { type: Date, required: true },
    activeSkus: { type: [String], default: [] },
    asOf: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: "customer_values", versionKey: false, strict: "throw" },
);
valueSchema.plugin(tenantScopePlugin);
valueSchema.index({ tenantId: 1, customerType: 1, customerId: 1 });
// The list's orders, and segments by product.
valueSchema.index({ tenantId: 1, lifetimeMinor: -1, _id: -1 });
valueSchema.index({ tenantId: 1, orderCount: -1, _id: -1 });
valueSchema.index({ tenantId: 1, lastPurchaseAt: -1, _id: -1 });
valueSchema.index({ tenantId: 1, activeSkus: 1 });

const productSchema = new Schema<CustomerProductDocument>(
  {
    _id: { type: String, required: true },
    customerType: { type: String, required: true },
    customerId: { type: String, required: true },
    sku: { type: String, required: true },
    productId: { type: String, default: "" },
    name: { type: String, default: "" },
    recurring: { type: Boolean, required: true },
    since: { type: Date, required: true },
    quantity: { type: Number, required: true },
    asOf: { type: Date, required: true },
  },
  { collection: "customer_products", versionKey: false, strict: "throw" },
);
productSchema.plugin(tenantScopePlugin);
productSchema.index({ tenantId: 1, customerType: 1, customerId: 1, sku: 1 });

export type CustomerValueModel = Model<CustomerValueDocument>;
export type CustomerProductModel = Model<CustomerProductDocument>;

export const createCustomerValueModel = (connection: Connection): Promise<CustomerValueModel> => registerModel(connection, "CustomerValue", valueSchema);
export const createCustomerProductModel = (connection: Connection): Promise<CustomerProductModel> => registerModel(connection, "CustomerProduct", productSchema);
