import type { salesPipelineV1 } from "@crm/proto";
import { z } from "zod";
import { idSchema } from "./schemas";

/** Schemas shared by the sales-pipeline routes: money, and the proto <-> REST mapping of amounts and times. */

export const currencySchema = z.string().regex(/^[A-Za-z]{3}$/, "is not an ISO 4217 currency code (e.g. EUR)").describe("ISO 4217 code, e.g. EUR");

export const moneyInputSchema = z
  .object({
    currency: currencySchema,
    amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe("Whole minor units of the currency: EUR 12.50 is 1250, JPY 1250 is 1250"),
  })
  .strict();

export const moneySchema = z.object({
  currency: z.string(),
  amountMinor: z.number().int().describe("Whole minor units"),
  amount: z.string().describe("The same amount in the currency's major unit, e.g. 12.50 (by its ISO 4217 minor-unit exponent)"),
});

export type RestMoney = z.output<typeof moneySchema>;

export const toProtoMoney = (money: z.output<typeof moneyInputSchema>): salesPipelineV1.Money => ({ currencyCode: money.currency.toUpperCase(), amountMinor: String(money.amountMinor) });

function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function toRestMoney(money: salesPipelineV1.Money | undefined): RestMoney {
  const currency = money?.currencyCode ?? "";
  const minor = Number(money?.amountMinor ?? "0");
  const digits = minorDigits(currency);
  const text = String(Math.abs(minor)).padStart(digits + 1, "0");
  const amount = `${minor < 0 ? "-" : ""}${digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`}`;
  return { currency, amountMinor: minor, amount };
}

/** A time as the API shows it: ISO 8601, or null when unset. */
export const iso = (time: Date | undefined): string | null => time?.toISOString() ?? null;
export const timeSchema = z.string().nullable().describe("ISO 8601, or null");

/** An optional reference to a record: its id, or empty. */
export const optionalIdSchema = idSchema.or(z.literal(""));
