import { randomBytes } from "node:crypto";
import { ValidationError } from "./errors";

/**
 * A UUID version 7 (RFC 9562): time-ordered, so ids sort by creation and index locality stays
 * good, with 74 random bits so they cannot be guessed.
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** When a UUID version 7 was made (ms since the epoch); undefined for other ids. */
export function uuidv7Time(id: string): number | undefined {
  if (!UUID_PATTERN.test(id) || id[14] !== "7") return undefined;
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/** Refuses, as INVALID_ARGUMENT on `field`, an id that is not one this API issued (before any look-up). */
export function requireId(id: string, field: string): void {
  if (!UUID_PATTERN.test(id)) throw ValidationError.field(field, "is not an id this API issued");
}
