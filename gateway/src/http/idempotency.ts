import { randomUUID } from "node:crypto";
import { ValidationError } from "@crm/kit/edge";
import type { Request, Response } from "express";
import type { HeaderDefinition } from "./api-registry";

/** Printable ASCII, as the IETF Idempotency-Key draft asks; long enough for a UUID with a prefix. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const ACCEPTABLE = IDEMPOTENCY_KEY_PATTERN;

export const IDEMPOTENCY_KEY_HEADER: HeaderDefinition = {
  name: "Idempotency-Key",
  description: "A retry with the same key (within 24 h, by the same credential) returns the first answer instead of running again; 422 when the key was used for another request, 409 while the first still runs",
  pattern: ACCEPTABLE,
  violation: "must be 1 to 255 printable ASCII characters",
};

/**
 * The key that makes a create safe to retry: the client's Idempotency-Key, or one made here.
 * Either way it is kept on the response, so that a 504 can tell the client which key to retry
 * with: the service stores the create under it, and a retry with it returns the first result.
 */
export function idempotencyKeyOf(req: Request, res: Response): string {
  const given = req.get("idempotency-key");
  if (given !== undefined && !ACCEPTABLE.test(given)) {
    throw ValidationError.field("Idempotency-Key", "must be 1 to 255 printable ASCII characters");
  }
  const key = given ?? `gw-${randomUUID()}`;
  res.locals.idempotencyKey = key;
  return key;
}
