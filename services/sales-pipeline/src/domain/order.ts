import { PreconditionFailedError, type RecordAudit } from "@crm/kit";
import { Violations } from "./checks";
import { checkCurrency, checkMinor, sumMinor } from "./money";
import { priceIn, type Product } from "./product";

export const ORDER_STATUSES = ["placed", "paid", "fulfilled", "cancelled", "refunded"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Where an order may go from each status. */
const NEXT: Record<OrderStatus, OrderStatus[]> = {
  placed: ["paid", "fulfilled", "cancelled"],
  paid: ["fulfilled", "refunded"],
  fulfilled: ["refunded"],
  cancelled: [],
  refunded: [],
};

/** Orders in these statuses count: purchase history, lifetime value, active products. */
export const COUNTING_STATUSES: readonly OrderStatus[] = ["placed", "paid", "fulfilled"];

export interface OrderLine {
  sku: string;
  productId: string;
  name: string;
  quantity: number;
  unitMinor: number;
  totalMinor: number;
  recurring: boolean;
}

export interface OrderLineDraft {
  sku: string;
  quantity: number;
  unitPrice: { currencyCode: string; amountMinor: string } | undefined;
}

export interface OrderDraft {
  contactId: string;
  organizationId: string;
  dealId: string;
  currency: string;
  lines: OrderLineDraft[];
  placedAt: Date | undefined;
}

export interface StatusChange {
  status: OrderStatus;
  at: Date;
  by: string;
}

export interface OrderFields {
  contactId: string;
  organizationId: string;
  dealId: string;
  currency: string;
  lines: OrderLine[];
  totalMinor: number;
  placedAt: Date;
}

export interface Order extends OrderFields, RecordAudit {
  id: string;
  tenantId: string;
  status: OrderStatus;
  statusHistory: StatusChange[];
  buyerErased?: boolean | undefined;
}

/** The SKUs an order draft names, upper case, to read their products. */
export const skusOf = (draft: OrderDraft) => [...new Set(draft.lines.map((line) => line.sku.trim().toUpperCase()).filter(Boolean))];

/**
 * An order checked against the catalogue: a buyer, an ISO 4217 currency, lines of known, active
 * products in whole positive quantities, each priced in the order's currency (its own price, or
 * the catalogue's), and the totals.
 */
export function prepareOrder(draft: OrderDraft, products: Map<string, Product>, now: Date): OrderFields {
  const v = new Violations();
  const contactId = v.id(draft.contactId, "order.contactId");
  const organizationId = v.id(draft.organizationId, "order.organizationId");
  if (!contactId && !organizationId) v.add("order.contactId", "is required (or organizationId): an order has a buyer");
  const currency = checkCurrency(draft.currency, "order.currencyCode", v.list);
  if (draft.lines.length === 0) v.add("order.lines", "needs at least one line");
  if (draft.lines.length > 500) v.add("order.lines", "takes at most 500 lines");
  const lines = draft.lines.map((line, index): OrderLine => {
    const at = `order.lines[${index}]`;
    const sku = line.sku.trim().toUpperCase();
    const product = products.get(sku);
    if (!sku) v.add(`${at}.sku`, "is required");
    else if (!product) v.add(`${at}.sku`, `${sku} is not in the catalogue`);
    else if (!product.active) v.add(`${at}.sku`, `${sku} is no longer sold`);
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > 1_000_000) v.add(`${at}.quantity`, "must be a whole number from 1 to 1000000");
    let unitMinor = 0;
    if (line.unitPrice) {
      const lineCurrency = line.unitPrice.currencyCode.trim().toUpperCase();
      if (lineCurrency !== currency) v.add(`${at}.unitPrice.currencyCode`, `must be the order's currency (${currency || "none given"}), not ${line.unitPrice.currencyCode || "empty"}`);
      unitMinor = checkMinor(line.unitPrice.amountMinor, `${at}.unitPrice.amountMinor`, v.list);
    } else if (product) {
      const price = priceIn(product, currency);
      if (price) unitMinor = price.minor;
      else v.add(`${at}.unitPrice`, `is required: ${sku} has no price in ${currency || "the order's currency"}`);
    }
    const totalMinor = unitMinor * line.quantity;
    if (!Number.isSafeInteger(totalMinor)) v.add(`${at}.quantity`, "makes a total too large");
    return { sku, productId: product?.id ?? "", name: product?.name ?? "", quantity: line.quantity, unitMinor, totalMinor, recurring: product?.billing === "recurring" };
  });
  const placedAt = draft.placedAt ?? now;
  if (placedAt.getTime() > now.getTime() + 60_000) v.add("order.placeTime", "must not be in the future");
  const fields = { contactId, organizationId, dealId: v.id(draft.dealId, "order.dealId"), currency, lines, totalMinor: 0, placedAt };
  v.throwIfAny();
  return { ...fields, totalMinor: sumMinor(lines.map((line) => line.totalMinor), "order.lines") };
}

/** Checks a status change; FAILED_PRECONDITION for one the order's status does not allow. */
export function checkTransition(order: Pick<Order, "id" | "status">, to: string): OrderStatus {
  const v = new Violations();
  const status = v.oneOf(to, ORDER_STATUSES, "status");
  v.throwIfAny();
  if (!NEXT[order.status].includes(status)) {
    throw new PreconditionFailedError(`order ${order.id} is ${order.status}: it can become ${NEXT[order.status].join(" or ") || "nothing else"}, not ${status}`);
  }
  return status;
}
