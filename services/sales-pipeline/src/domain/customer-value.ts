import { COUNTING_STATUSES, type Order } from "./order";

export const CUSTOMER_TYPES = ["contact", "organization"] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

/** A customer's value in one currency. */
export interface CurrencyValue {
  currency: string;
  lifetimeMinor: number;
  orderCount: number;
  averageMinor: number;
  firstPurchaseAt: Date;
  lastPurchaseAt: Date;
}

/** A product a customer has: on an order that was not cancelled or refunded, since its first such order. */
export interface HeldProduct {
  sku: string;
  productId: string;
  name: string;
  recurring: boolean;
  since: Date;
  quantity: number;
}

export type ValuedOrder = Pick<Order, "status" | "currency" | "totalMinor" | "placedAt" | "lines">;

/**
 * What a customer's orders are worth: per currency, the sum, count and average of the orders that
 * count (placed, paid, fulfilled: not cancelled or refunded), the first and last purchase; and
 * the products those orders hold, each since its earliest order.
 */
export function customerValueOf(orders: ValuedOrder[]): { values: CurrencyValue[]; products: HeldProduct[] } {
  const counting = orders.filter((order) => COUNTING_STATUSES.includes(order.status));
  const byCurrency = new Map<string, CurrencyValue>();
  const products = new Map<string, HeldProduct>();
  for (const order of counting) {
    const value = byCurrency.get(order.currency) ?? { currency: order.currency, lifetimeMinor: 0, orderCount: 0, averageMinor: 0, firstPurchaseAt: order.placedAt, lastPurchaseAt: order.placedAt };
    value.lifetimeMinor += order.totalMinor;
    value.orderCount += 1;
    if (order.placedAt < value.firstPurchaseAt) value.firstPurchaseAt = order.placedAt;
    if (order.placedAt > value.lastPurchaseAt) value.lastPurchaseAt = order.placedAt;
    byCurrency.set(order.currency, value);
    for (const line of order.lines) {
      const held = products.get(line.sku) ?? { sku: line.sku, productId: line.productId, name: line.name, recurring: line.recurring, since: order.placedAt, quantity: 0 };
      held.quantity += line.quantity;
      if (order.placedAt < held.since) held.since = order.placedAt;
      products.set(line.sku, held);
    }
  }
  const values = [...byCurrency.values()].map((value) => ({ ...value, averageMinor: Math.round(value.lifetimeMinor / value.orderCount) }));
  return { values: values.sort((a, b) => a.currency.localeCompare(b.currency)), products: [...products.values()].sort((a, b) => a.sku.localeCompare(b.sku)) };
}
