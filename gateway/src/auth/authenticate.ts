import { tokenHash, TtlCache, UnauthenticatedError, type Identity } from "@crm/kit/edge";
import type { RequestHandler } from "express";
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions } from "jose";
import { z } from "zod";

export interface AuthSettings {
  /** HS256 secret, for local development and tests. */
  jwtSecret?: string | undefined;
  /** JWKS URL of the identity provider, for production. */
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  tenant: z.string().min(1).max(100),
  roles: z.array(z.string()).default([]),
  scope: z.string().default(""),
});

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
      /** Set by authenticate() from a verified token. */
      identity?: Identity;
    }
  }
}

/**
 * Verifies the Bearer JWT and derives the caller's identity; the tenant comes from the token,
 * never from the request. Any failure is a 401 without detail on which check failed.
 */
export function authenticate(settings: AuthSettings): RequestHandler {
  const options = {
    ...(settings.issuer ? { issuer: settings.issuer } : {}),
    ...(settings.audience ? { audience: settings.audience } : {}),
    algorithms: settings.jwksUrl ? ["RS256", "ES256", "EdDSA"] : ["HS256"],
  };
  const verifyToken = settings.jwksUrl ? withKeySet(createRemoteJWKSet(new URL(settings.jwksUrl)), options) : withSecret(settings.jwtSecret ?? "", options);
  const verified = new TtlCache<Identity>(VERIFIED_MAX_ENTRIES);
  return (req, _res, next) => {
    const header = req.get("authorization") ?? "";
    const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header)?.[1];
    if (!token) return next(new UnauthenticatedError("a Bearer token is required"));
    const hash = tokenHash(token);
    const now = Date.now();
    const known = verified.get(hash, now);
    if (known) {
      req.identity = known;
      return next();
    }
    verifyToken(token).then(
      ({ payload }) => {
        const claims = claimsSchema.safeParse(payload);
        if (!claims.success) return next(new UnauthenticatedError("the token lacks the sub or tenant claim"));
        const identity: Identity = Object.freeze({
          subject: claims.data.sub,
          tenantId: claims.data.tenant,
          roles: Object.freeze(claims.data.roles) as string[],
          scopes: Object.freeze(claims.data.scope.split(" ").filter(Boolean)) as string[],
        });
        const expiresAt = payload.exp === undefined ? Infinity : payload.exp * 1_000;
        verified.set(hash, identity, Math.min(now + VERIFIED_MAX_AGE_MS, expiresAt));
        req.identity = identity;
        next();
      },
      () => next(new UnauthenticatedError("the token is invalid or expired")),
    );
  };
}

// jose types the two key forms as separate overloads, so each gets its own verifier.
function withKeySet(keySet: JWTVerifyGetKey, options: JWTVerifyOptions) {
  return (token: string) => jwtVerify(token, keySet, options);
}

function withSecret(secret: string, options: JWTVerifyOptions) {
  const key = new TextEncoder().encode(secret);
  return (token: string) => jwtVerify(token, key, options);
}
