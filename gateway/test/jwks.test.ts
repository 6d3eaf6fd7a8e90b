import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Request, Response } from "express";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { UnauthenticatedError, type Identity } from "@crm/kit/edge";
import { authenticate } from "../src/auth/authenticate";

// JWTs from an identity provider that publishes its keys as a JWKS and rotates them.
let server: Server;
let published: JWK[] = [];
let fetches = 0;
let jwksUrl: string;

beforeAll(async () => {
  server = createServer((_req, res) => {
    fetches++;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(() => server.close());

async function signingKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}
const tokenFrom = (key: Awaited<ReturnType<typeof signingKey>>, claims: Record<string, unknown> = {}) =>
  new SignJWT({ tenant: "tenant-jwks", roles: ["sales"], teams: ["team-north"], ...claims })
    .setProtectedHeader({ alg: "RS256", kid: key.kid })
    .setSubject("user-jwks")
    .setIssuer("https://idp.example")
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(key.privateKey);

function run(middleware: ReturnType<typeof authenticate>, token: string): Promise<{ error: unknown; identity: Identity | undefined }> {
  const req = { get: (name: string) => (name === "authorization" ? `Bearer ${token}` : undefined) } as unknown as Request;
  return new Promise((resolve) => middleware(req, {} as Response, (error?: unknown) => resolve({ error, identity: req.identity })));
}

describe("JWTs verified against the identity provider's JWKS", () => {
  it("caches the keys, picks up a rotated key at its first token, and refuses unknown signers", async () => {
    const first = await signingKey("key-1");
    published = [first.jwk];
    const middleware = authenticate({ jwksUrl, jwksCooldownMs: 0, issuer: "https://idp.example", recordAccess: { sales: "team" } });

    const accepted = await run(middleware, await tokenFrom(first));
    expect(accepted.error).toBeUndefined();
    // The restriction of a limited role comes with the identity: the user and its teams.
    expect(accepted.identity).toEqual({ subject: "user-jwks", tenantId: "tenant-jwks", roles: ["sales"], scopes: [], owners: ["user-jwks", "team-north"] });
    await run(middleware, await tokenFrom(first, { roles: ["admin"] }));
    expect(fetches).toBe(1);

    // The provider rotates: a token signed with the new key makes the gateway fetch the set again.
    const second = await signingKey("key-2");
    published = [second.jwk];
    const rotated = await run(middleware, await tokenFrom(second));
    expect(rotated.error).toBeUndefined();
    expect(fetches).toBe(2);

    const stranger = await signingKey("key-2");
    expect((await run(middleware, await tokenFrom(stranger))).error).toBeInstanceOf(UnauthenticatedError);
    expect((await run(middleware, await tokenFrom(second, { tenant: undefined }))).error).toBeInstanceOf(UnauthenticatedError);
  });
});
