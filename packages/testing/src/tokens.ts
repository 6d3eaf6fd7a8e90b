import { SignJWT } from "jose";

export const TEST_JWT_SECRET = "test-jwt-secret-for-the-gateway-0123456789";
export const TEST_IDENTITY_KEY = "test-identity-signing-key-0123456789abcdef";

export interface TestTokenOptions {
  tenant: string;
  roles?: string[];
  scope?: string;
  subject?: string;
  /** e.g. "5m"; a negative age such as "-1m" yields an expired token. */
  expiresIn?: string;
  secret?: string;
}

/** A bearer token as the identity provider would issue it. */
export async function signTestToken({
  tenant,
  roles = ["admin"],
  scope,
  subject = "user-1",
  expiresIn = "5m",
  secret = TEST_JWT_SECRET,
}: TestTokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiry = expiresIn.startsWith("-") ? now - 60 : expiresIn;
  return new SignJWT({ tenant, roles, ...(scope ? { scope } : {}) })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(subject)
    .setIssuedAt(expiresIn.startsWith("-") ? now - 120 : now)
    .setExpirationTime(expiry)
    .sign(new TextEncoder().encode(secret));
}
