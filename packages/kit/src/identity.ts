import { createHash } from "node:crypto";
import { SignJWT, jwtVerify } from "jose";
import { z } from "zod";
import { UnauthenticatedError } from "./errors";
import { TtlCache } from "./ttl-cache";

/** Who is calling, as established by the gateway from the caller's credential. */
export interface Identity {
  subject: string;
  tenantId: string;
  roles: string[];
  scopes: string[];
  /**
   * Record-level restriction: when set, the caller sees and changes only records owned by one of
   * these ids (its own user id, its teams' ids); absent, every record of the tenant. Services
   * enforce it in their data access (mongo/owned-records.ts), for every model that declares an owner.
   */
  owners?: string[];
}

/** Who makes a change, as written to audit fields and events: the tenant and the user or service id. */
export interface Actor {
  tenantId: string;
  subject: string;
}

export function actorOf(identity: Identity): Actor {
  return { tenantId: identity.tenantId, subject: identity.subject };
}

/** gRPC metadata key that carries the gateway-signed identity. */
export const IDENTITY_METADATA_KEY = "x-crm-identity";

const ISSUER = "crm-gateway";
const AUDIENCE = "crm-services";
const claimsSchema = z.object({
  sub: z.string().min(1),
  tenant: z.string().min(1),
  roles: z.array(z.string()).default([]),
  scopes: z.array(z.string()).default([]),
  owners: z.array(z.string()).optional(),
});

/** Signs an identity for forwarding to services; short-lived, since it rides one call chain. */
export async function signIdentity(identity: Identity, key: Uint8Array, ttlSeconds = 60): Promise<string> {
  return new SignJWT({ tenant: identity.tenantId, roles: identity.roles, scopes: identity.scopes, ...(identity.owners ? { owners: identity.owners } : {}) })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(identity.subject)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key);
}

export async function verifyIdentity(token: string, key: Uint8Array): Promise<Identity> {
  return (await verifyIdentityToken(token, key)).identity;
}

async function verifyIdentityToken(token: string, key: Uint8Array): Promise<{ identity: Identity; expiresAt: number }> {
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ["HS256"], requiredClaims: ["exp"] });
    const claims = claimsSchema.parse(payload);
    const identity: Identity = { subject: claims.sub, tenantId: claims.tenant, roles: claims.roles, scopes: claims.scopes, ...(claims.owners ? { owners: claims.owners } : {}) };
    return { identity, expiresAt: payload.exp! * 1_000 };
  } catch {
    throw new UnauthenticatedError("the forwarded identity is missing, expired or not signed by the gateway");
  }
}

/**
 * Signs forwarded identities once per identity and period instead of once per call: a token is
 * reused for reuseSeconds of its ttlSeconds, so that every call carries one with most of its
 * life ahead (at least ttlSeconds - reuseSeconds, far beyond a call's deadline).
 */
export class IdentitySigner {
  private readonly tokens: TtlCache<Promise<string>>;

  constructor(
    private readonly key: Uint8Array,
    private readonly ttlSeconds = 60,
    private readonly reuseSeconds = 20,
    maxEntries = 10_000,
  ) {
    this.tokens = new TtlCache(maxEntries);
  }

  sign(identity: Identity): Promise<string> {
    const cacheKey = JSON.stringify([identity.subject, identity.tenantId, identity.roles, identity.scopes, identity.owners]);
    const now = Date.now();
    const cached = this.tokens.get(cacheKey, now);
    if (cached) return cached;
    const token = signIdentity(identity, this.key, this.ttlSeconds);
    this.tokens.set(cacheKey, token, now + this.reuseSeconds * 1_000);
    token.catch(() => this.tokens.delete(cacheKey));
    return token;
  }
}

/**
 * Verifies forwarded identities, remembering each verified token (by its SHA-256) for at most
 * maxAgeMs and never beyond its own expiry: the gateway reuses a token for many calls, and each
 * call need not check the same signature again. Anything not remembered is verified in full.
 */
export class IdentityVerifier {
  private readonly verified: TtlCache<Identity>;

  constructor(
    private readonly key: Uint8Array,
    private readonly maxAgeMs = 30_000,
    maxEntries = 10_000,
  ) {
    this.verified = new TtlCache(maxEntries);
  }

  async verify(token: string): Promise<Identity> {
    const hash = tokenHash(token);
    const now = Date.now();
    const cached = this.verified.get(hash, now);
    if (cached) return cached;
    const { identity, expiresAt } = await verifyIdentityToken(token, this.key);
    const frozen = Object.freeze({
      ...identity,
      roles: Object.freeze(identity.roles),
      scopes: Object.freeze(identity.scopes),
      ...(identity.owners ? { owners: Object.freeze(identity.owners) } : {}),
    }) as Identity;
    this.verified.set(hash, frozen, Math.min(expiresAt, now + this.maxAgeMs));
    return frozen;
  }
}

/** What verified tokens are remembered by, so that no cache holds a usable credential. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

export function identityKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}
