import type { RecordAudit } from "@crm/kit";
import { Violations } from "./checks";
import { checkAmount, type Amount } from "./money";

export const BILLINGS = ["one_off", "recurring"] as const;
export const INTERVALS = ["month", "year"] as const;

export interface ProductDraft {
  sku: string;
  name: string;
  description: string;
  prices: Array<{ currencyCode: string; amountMinor: string }>;
  billing: string;
  interval: string;
  active: boolean | undefined;
}

export interface ProductFields {
  sku: string;
  name: string;
  description: string;
  prices: Amount[];
  billing: (typeof BILLINGS)[number];
  interval: string;
  active: boolean;
}

export interface Product extends ProductFields, RecordAudit {
  id: string;
  tenantId: string;
}

/** A catalogue entry: an upper-case SKU, a name, at most one price per currency, a billing (and interval when recurring). */
export function prepareProduct(draft: ProductDraft): ProductFields {
  const v = new Violations();
  const sku = v.text(draft.sku, "product.sku", 64).toUpperCase();
  if (!sku) v.add("product.sku", "is required");
  else if (!/^[A-Z0-9][A-Z0-9._-]*$/.test(sku)) v.add("product.sku", "takes letters, digits, dots, dashes and underscores");
  const name = v.text(draft.name, "product.name");
  if (!name) v.add("product.name", "is required");
  if (draft.prices.length > 50) v.add("product.prices", "takes at most 50 prices");
  const prices = draft.prices.map((price, index) => checkAmount(price, `product.prices[${index}]`, v.list));
  if (new Set(prices.map((price) => price.currency)).size !== prices.length) v.add("product.prices", "has two prices in one currency");
  const billing = v.oneOf(draft.billing, BILLINGS, "product.billing", "one_off");
  const interval = billing === "recurring" ? v.oneOf(draft.interval, INTERVALS, "product.interval", "month") : "";
  if (billing === "one_off" && draft.interval.trim()) v.add("product.interval", "applies to recurring products only");
  const fields: ProductFields = { sku, name, description: v.text(draft.description, "product.description", 2000), prices, billing, interval, active: draft.active ?? true };
  v.throwIfAny();
  return fields;
}

export function productDraftOf(product: Product): ProductDraft {
  const { sku, name, description, billing, interval, active } = product;
  return { sku, name, description, billing, interval, active, prices: product.prices.map((price) => ({ currencyCode: price.currency, amountMinor: String(price.minor) })) };
}

export const priceIn = (product: ProductFields, currency: string) => product.prices.find((price) => price.currency === currency);
