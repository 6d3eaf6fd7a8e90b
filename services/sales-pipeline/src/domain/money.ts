import { ValidationError, type FieldViolation } from "@crm/kit";

/** An amount in integer minor units of an ISO 4217 currency (EUR 12.50 is 1250). */
export interface Amount {
  currency: string;
  minor: number;
}

// The ISO 4217 codes the runtime's ICU knows (current ones and a few historic), checked once.
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

export function isCurrency(code: string): boolean {
  return CURRENCIES.has(code);
}

/** Digits after the decimal point of a currency's major unit: EUR 2, JPY 0, KWD 3. */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** The decimal text of an amount, e.g. 1250 EUR -> "12.50", 1250 JPY -> "1250". */
export function decimalOf({ currency, minor }: Amount): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? "-" : "";
  const text = String(Math.abs(minor)).padStart(digits + 1, "0");
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** Checks a currency code, pushing a violation for `field` when it is not ISO 4217. */
export function checkCurrency(code: string, field: string, violations: FieldViolation[]): string {
  const upper = code.trim().toUpperCase();
  if (!upper) violations.push({ field, description: "is required (an ISO 4217 code such as EUR)" });
  else if (!/^[A-Z]{3}$/.test(upper) || !isCurrency(upper)) violations.push({ field, description: `"${code}" is not an ISO 4217 currency code` });
  return upper;
}

/**
 * Reads an amount of minor units as the proto carries it (int64 as decimal text): a whole,
 * non-negative number that JavaScript holds exactly. Pushes a violation and answers 0 otherwise.
 */
export function checkMinor(raw: string | number | undefined, field: string, violations: FieldViolation[]): number {
  const text = String(raw ?? "0").trim();
  if (!/^-?\d+$/.test(text)) {
    violations.push({ field, description: `"${text}" is not a whole number of minor units` });
    return 0;
  }
  const value = Number(text);
  if (value < 0) violations.push({ field, description: "must not be negative" });
  else if (!Number.isSafeInteger(value)) violations.push({ field, description: `must be at most ${Number.MAX_SAFE_INTEGER}` });
  return value;
}

/** An amount from its proto form, checked; `field` names it in violations. */
export function checkAmount(money: { currencyCode: string; amountMinor: string } | undefined, field: string, violations: FieldViolation[]): Amount {
  if (!money) {
    violations.push({ field, description: "is required" });
    return { currency: "", minor: 0 };
  }
  return { currency: checkCurrency(money.currencyCode, `${field}.currencyCode`, violations), minor: checkMinor(money.amountMinor, `${field}.amountMinor`, violations) };
}

/** amount x percent / 100, rounded half away from zero to the minor unit. */
export function weighted(minor: number, percent: number): number {
  return Math.round((minor * percent) / 100);
}

/** Sum of minor units that refuses to leave the exactly representable range. */
export function sumMinor(values: number[], field: string): number {
  const total = values.reduce((sum, value) => sum + value, 0);
  if (!Number.isSafeInteger(total)) throw ValidationError.field(field, `adds up to more than ${Number.MAX_SAFE_INTEGER} minor units`);
  return total;
}
