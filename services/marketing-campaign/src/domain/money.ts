import { ValidationError } from "@crm/kit";

/** An amount in integer minor units of its ISO 4217 currency (EUR 12.50 is 1250). */
export interface Money {
  currency: string;
  amountMinor: number;
}

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

/** The currency code checked against the runtime's ISO 4217 list, in upper case. */
export function requireCurrency(code: string, field: string): string {
  const upper = code.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(upper) || !CURRENCIES.has(upper)) throw ValidationError.field(field, "is not an ISO 4217 currency code");
  return upper;
}

/** A proto int64 (a string with forceLong=string) as a safe integer of minor units. */
export function requireMinorUnits(raw: string | number, field: string): number {
  const value = typeof raw === "number" ? raw : Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw ValidationError.field(field, "must be a whole, non-negative number of minor units");
  return value;
}
