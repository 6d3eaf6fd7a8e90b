import { SignJWT, jwtVerify } from "jose";
import { z } from "zod";
import { UnauthenticatedError } from "./errors";

/** Who is calling, as established by the gateway from the caller's credential. */
export interface Identity {
  subject: string;
  tenantId: string;
  roles: string[];
  scopes: string[];
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
});

/** Signs an identity for forwarding to services; short-lived, since it rides one call chain. */
export async function signIdentity(identity: Identity, key: Uint8Array, ttlSeconds = 60): Promise<string> {
  return new SignJWT({ tenant: identity.tenantId, roles: identity.roles, scopes: identity.scopes })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(identity.subject)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key);
}

export async function verifyIdentity(token: string, key: Uint8Array): Promise<Identity> {
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ["HS256"] });
    const claims = claimsSchema.parse(payload);
    return { subject: claims.sub, tenantId: claims.tenant, roles: claims.roles, scopes: claims.scopes };
  } catch {
    throw new UnauthenticatedError("the forwarded identity is missing, expired or not signed by the gateway");
  }
}

export function identityKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}
