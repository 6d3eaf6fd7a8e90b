import type { Request, RequestHandler, Response } from "express";
import { IDEMPOTENCY_KEY_PATTERN } from "./idempotency";
import { IdempotencyStore, type StoredAnswer } from "./idempotency-store";
import { HttpError } from "./problem";

export interface IdempotencySettings {
  store: IdempotencyStore;
}

/**
 * A POST carrying an Idempotency-Key runs once per credential and key: a repeat is answered
 * with the first answer (same status, body, Location and ETag; `Idempotent-Replayed: true`).
 * Only successful answers are stored; a failed request releases its key, so that a retry runs
 * again (a create still runs once: the key is also the service's request id).
 */
export function idempotent({ store }: IdempotencySettings): RequestHandler {
  return async (req, res, next) => {
    const key = req.get("idempotency-key");
    if (key === undefined || !req.identity || !IDEMPOTENCY_KEY_PATTERN.test(key)) return next();
    try {
      const fingerprint = IdempotencyStore.fingerprint(req.method, req.originalUrl, (req as Request & { rawBody?: Buffer }).rawBody);
      const scope = `${req.identity.tenantId}:${req.identity.subject}`;
      const outcome = await store.begin(scope, key, fingerprint).catch((error: unknown) => {
        if (error instanceof HttpError) throw error;
        throw new HttpError(503, "Idempotency-Keys cannot be checked right now; retry");
      });
      if ("replay" in outcome) return replayOf(res, outcome.replay);
      res.locals.idempotent = outcome.claimed;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** Sends a stored answer again. */
export function replayOf(res: Response, answer: StoredAnswer): void {
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.setHeader("Idempotent-Replayed", "true");
  if (answer.status === 204) res.status(204).end();
  else res.status(answer.status).type("application/json").send(answer.body);
}
