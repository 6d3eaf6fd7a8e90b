import { createHash } from "node:crypto";
import { ValidationError } from "@crm/kit";
import type { ContactChannel } from "./consent";

export const SUPPRESSION_TYPES = ["email", "phone"] as const;
export type SuppressionType = (typeof SUPPRESSION_TYPES)[number];

const MAX_REASON = 500;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What a client writes to suppress an address. */
export interface SuppressionDraft {
  type: SuppressionType | "";
  address: string;
  reason: string;
}

export interface SuppressionFields {
  type: SuppressionType;
  /** Normalised: an e-mail in lower case, a phone as + and digits. */
  address: string;
  /** suppressionHash() of type and address: what checks compare, and what stays after an erasure. */
  addressHash: string;
  reason: string;
}

/** The address book's kind of address a channel contacts; post has none on the list. */
export function suppressionTypeOf(channel: ContactChannel): SuppressionType | undefined {
  if (channel === "email") return "email";
  if (channel === "phone" || channel === "sms") return "phone";
  return undefined;
}

/** An address as it is compared: e-mails trimmed and lower-cased, phones as + and digits (or undefined when it is not one). */
export function normaliseAddress(type: SuppressionType, raw: string): string | undefined {
  if (type === "email") {
    const email = raw.trim().toLowerCase();
    return EMAIL.test(email) && email.length <= 254 ? email : undefined;
  }
  const digits = raw.replace(/[\s().-]/g, "");
  const phone = digits.startsWith("00") ? `+${digits.slice(2)}` : digits;
  return /^\+?\d{6,15}$/.test(phone) ? phone : undefined;
}

/** SHA-256 of the type and normalised address: the list keeps suppressing by it once the address itself is erased. */
export function suppressionHash(type: SuppressionType, address: string): string {
  return createHash("sha256").update(`${type}:${address}`).digest("base64url");
}

export function prepareSuppression(draft: SuppressionDraft): SuppressionFields {
  if (!draft.type) throw ValidationError.field("suppression.type", "is required (email or phone)");
  const address = normaliseAddress(draft.type, draft.address);
  const violations = [
    ...(address ? [] : [{ field: "suppression.address", description: draft.type === "email" ? "is not an e-mail address" : "is not a phone number (6 to 15 digits, optionally with +)" }]),
    ...(draft.reason.length > MAX_REASON ? [{ field: "suppression.reason", description: `must be at most ${MAX_REASON} characters` }] : []),
  ];
  if (violations.length > 0) throw new ValidationError(violations);
  return { type: draft.type, address: address!, addressHash: suppressionHash(draft.type, address!), reason: draft.reason.trim() };
}
