import type { Identity } from "@crm/kit/edge";
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions } from "jose";
import { z } from "zod";
import { ownersFor, type RecordAccess } from "./roles";

export interface JwtSettings {
  /** HS256 secret, for local development and tests. */
  jwtSecret?: string | undefined;
  /** JWKS URL of the identity provider, for production. */
  jwksUrl?: string | undefined;
  /** How long fetched keys are kept; an unknown key id (a rotation) fetches them again, at most once per cooldown. */
  jwksCacheMaxAgeMs?: number;
  jwksCooldownMs?: number;
  issuer?: string | undefined;
  audience?: string | undefined;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  tenant: z.string().min(1).max(100),
  roles: z.array(z.string()).default([]),
  scope: z.string().default(""),
  /** The user's teams (ids that may own records), as a list or one id. */
  teams: z.union([z.array(z.string()), z.string().transform((team) => [team])]).default([]),
});

export interface VerifiedToken {
  identity: Identity;
  /** When the token expires (ms), Infinity without `exp`. */
  expiresAt: number;
}

/**
 * Verifies a bearer JWT, with a secret (development) or the identity provider's JWKS: its keys
 * are cached and fetched again on a key id it does not know, so a rotation is picked up at the
 * first token signed with the new key. Throws on any failure, without saying which check failed.
 */
export function jwtVerifier(settings: JwtSettings, recordAccess: Record<string, RecordAccess>): (token: string) => Promise<VerifiedToken> {
  const options: JWTVerifyOptions = {
    ...(settings.issuer ? { issuer: settings.issuer } : {}),
    ...(settings.audience ? { audience: settings.audience } : {}),
    algorithms: settings.jwksUrl ? ["RS256", "PS256", "ES256", "EdDSA"] : ["HS256"],
  };
  const verify = settings.jwksUrl
    ? withKeySet(createRemoteJWKSet(new URL(settings.jwksUrl), { cacheMaxAge: settings.jwksCacheMaxAgeMs ?? 600_000, cooldownDuration: settings.jwksCooldownMs ?? 30_000 }), options)
    : withSecret(settings.jwtSecret ?? "", options);
  return async (token) => {
    const { payload } = await verify(token);
    const claims = claimsSchema.parse(payload);
    const owners = ownersFor(claims.sub, claims.roles, claims.teams, recordAccess);
    const identity: Identity = Object.freeze({
      subject: claims.sub,
      tenantId: claims.tenant,
      roles: Object.freeze(claims.roles) as string[],
      scopes: Object.freeze(claims.scope.split(" ").filter(Boolean)) as string[],
      ...(owners ? { owners: Object.freeze(owners) as string[] } : {}),
    });
    return { identity, expiresAt: payload.exp === undefined ? Infinity : payload.exp * 1_000 };
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
