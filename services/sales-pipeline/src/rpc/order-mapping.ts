import { salesPipelineV1 } from "@crm/proto";
import { toEtag, ValidationError } from "@crm/kit";
import type { HeldProduct } from "../domain/customer-value";
import type { Order, OrderDraft } from "../domain/order";
import type { Product, ProductDraft } from "../domain/product";
import type { CustomerValueRow } from "../store/customer-values";
import { toProtoMoney } from "./deal-mapping";

export const PRODUCT_MASK: Record<string, keyof ProductDraft> = {
  sku: "sku",
  name: "name",
  description: "description",
  prices: "prices",
  billing: "billing",
  interval: "interval",
  active: "active",
};

export function toProtoProduct(product: Product): salesPipelineV1.Product {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    prices: product.prices.map(toProtoMoney),
    billing: product.billing,
    interval: product.interval,
    active: product.active,
    createTime: product.createdAt,
    updateTime: product.updatedAt,
    etag: toEtag(product.version),
  };
}

export function toProductDraft(input: salesPipelineV1.ProductInput | undefined): ProductDraft {
  if (!input) throw ValidationError.field("product", "is required");
  return { sku: input.sku, name: input.name, description: input.description, prices: input.prices, billing: input.billing, interval: input.interval, active: input.active };
}

export function toOrderDraft(input: salesPipelineV1.OrderInput | undefined): OrderDraft {
  if (!input) throw ValidationError.field("order", "is required");
  return {
    contactId: input.contactId,
    organizationId: input.organizationId,
    dealId: input.dealId,
    currency: input.currencyCode,
    lines: input.lines.map((line) => ({ sku: line.sku, quantity: line.quantity, unitPrice: line.unitPrice })),
    placedAt: input.placeTime,
  };
}

export function toProtoOrder(order: Order): salesPipelineV1.Order {
  const money = (minor: number) => toProtoMoney({ currency: order.currency, minor });
  return {
    id: order.id,
    contactId: order.contactId,
    organizationId: order.organizationId,
    dealId: order.dealId,
    currencyCode: order.currency,
    lines: order.lines.map((line) => ({ sku: line.sku, productId: line.productId, name: line.name, quantity: line.quantity, unitPrice: money(line.unitMinor), total: money(line.totalMinor), recurring: line.recurring })),
    total: money(order.totalMinor),
    status: order.status,
    statusHistory: order.statusHistory.map((change) => ({ status: change.status, changeTime: change.at, changedBy: change.by })),
    placeTime: order.placedAt,
    buyerErased: order.buyerErased ?? false,
    createTime: order.createdAt,
    updateTime: order.updatedAt,
    createdBy: order.createdBy,
    etag: toEtag(order.version),
  };
}

export function toProtoCustomerValue(row: CustomerValueRow): salesPipelineV1.CustomerValue {
  return {
    customerType: row.customerType,
    customerId: row.customerId,
    currencyCode: row.currency,
    lifetimeValueMinor: String(row.lifetimeMinor),
    orderCount: String(row.orderCount),
    averageOrderValueMinor: String(row.averageMinor),
    firstPurchaseTime: row.firstPurchaseAt,
    lastPurchaseTime: row.lastPurchaseAt,
    activeSkus: row.activeSkus,
    updateTime: row.updatedAt,
  };
}

export function toProtoActiveProduct(product: HeldProduct): salesPipelineV1.ActiveProduct {
  return { sku: product.sku, productId: product.productId, name: product.name, recurring: product.recurring, sinceTime: product.since, quantity: String(product.quantity) };
}
