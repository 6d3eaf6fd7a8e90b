import { tokenHash, TtlCache, UnauthenticatedError, type Identity } from "@crm/kit/edge";
import type { RequestHandler } from "express";
import { isApiKey, type ApiKeyVerifier } from "../api-keys/api-key-verifier";
import { jwtVerifier, type JwtSettings } from "./jwt";
import type { RecordAccess } from "./roles";

export type { JwtSettings } from "./jwt";

export interface AuthSettings extends JwtSettings {
  /** Which roles are limited to their own or their team's records (ROLE_RECORD_ACCESS). */
  recordAccess?: Record<string, RecordAccess>;
  /** Verifies API keys (machine clients); without it, only JWTs are taken. */
  apiKeys?: ApiKeyVerifier;
}

/**
 * Verified tokens are remembered by their SHA-256 for this long, and never beyond their own
 * expiry: a client sends the same token with every request, and checking its signature and
 * claims each time cost more than the rest of the hop. Only successful verifications are kept.
 */
const VERIFIED_MAX_AGE_MS = 30_000;
const VERIFIED_MAX_ENTRIES = 10_000;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- how express request types are extended
  namespace Express {
    interface Request {
      /** Set by authenticate() from a verified credential. */
      identity?: Identity;
      /** What the caller's rate limit is counted by, and its own limit when the credential sets one. */
      credential?: { id: string; requestsPerMinute?: number | undefined };
    }
  }
}

/**
 * Derives the caller's identity from its credential: a bearer JWT from the identity provider, or
 * an API key (`X-API-Key`, or a bearer token starting `crm_`). The tenant comes from the
 * credential, never from the request. Any failure is a 401 without detail on which check failed.
 */
export function authenticate(settings: AuthSettings): RequestHandler {
  const verifyJwt = jwtVerifier(settings, settings.recordAccess ?? {});
  const verified = new TtlCache<Identity>(VERIFIED_MAX_ENTRIES);
  return (req, _res, next) => {
    const bearer = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(req.get("authorization") ?? "")?.[1];
    const apiKey = req.get("x-api-key") ?? (bearer && isApiKey(bearer) ? bearer : undefined);
    if (apiKey !== undefined) {
      if (!settings.apiKeys) return next(new UnauthenticatedError("API keys are not accepted here"));
      settings.apiKeys.verify(apiKey).then(
        ({ identity, requestsPerMinute }) => {
          req.identity = identity;
          req.credential = { id: identity.subject, requestsPerMinute };
          next();
        },
        (error: unknown) => next(error instanceof UnauthenticatedError ? error : new UnauthenticatedError("the API key could not be checked")),
      );
      return;
    }
    if (!bearer) return next(new UnauthenticatedError("a Bearer token or an X-API-Key is required"));
    const hash = tokenHash(bearer);
    const now = Date.now();
    const accept = (identity: Identity) => {
      req.identity = identity;
      req.credential = { id: `user:${identity.tenantId}:${identity.subject}` };
      next();
    };
    const known = verified.get(hash, now);
    if (known) return accept(known);
    verifyJwt(bearer).then(
      ({ identity, expiresAt }) => {
        verified.set(hash, identity, Math.min(now + VERIFIED_MAX_AGE_MS, expiresAt));
        accept(identity);
      },
      () => next(new UnauthenticatedError("the token is invalid or expired")),
    );
  };
}
