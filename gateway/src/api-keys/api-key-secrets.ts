import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** `crm_<key id: 32 hex>_<secret: 32 random bytes, base64url>`: the id finds the record, the secret proves possession. */
const KEY_PATTERN = /^crm_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export function isApiKey(text: string): boolean {
  return text.startsWith("crm_");
}

export function newApiKey(id: string): { key: string; secretHash: string } {
  const secret = randomBytes(32).toString("base64url");
  return { key: `crm_${id.replaceAll("-", "")}_${secret}`, secretHash: hashOf(secret) };
}

/** The record id and secret of a key, or undefined when it is not one this gateway issues. */
export function parseApiKey(key: string): { id: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  const hex = match[1]!;
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { id, secret: match[2]! };
}

export function secretMatches(secret: string, secretHash: string): boolean {
  const expected = Buffer.from(secretHash, "hex");
  const given = Buffer.from(hashOf(secret), "hex");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function hashOf(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
