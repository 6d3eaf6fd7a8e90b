import { UnauthenticatedError, type Identity } from "@crm/kit";
import { signTestToken, TEST_JWT_SECRET } from "@crm/testing";
import type { Request, Response } from "express";
import { authenticate } from "../src/auth/authenticate";

/** Runs the middleware on a request with this bearer token; resolves with what it decided. */
function run(middleware: ReturnType<typeof authenticate>, token: string): Promise<{ error: unknown; identity: Identity | undefined }> {
  const req = { get: (name: string) => (name === "authorization" ? `Bearer ${token}` : undefined) } as unknown as Request;
  return new Promise((resolve) => middleware(req, {} as Response, (error?: unknown) => resolve({ error, identity: req.identity })));
}

describe("authenticate: verified tokens remembered for a short time", () => {
  afterEach(() => jest.useRealTimers());

  it("answers a known token from memory, keyed by the token, and never past the token's expiry", async () => {
    jest.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z"), doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    const middleware = authenticate({ jwtSecret: TEST_JWT_SECRET });
    const tokenA = await signTestToken({ tenant: "tenant-a", roles: ["agent"], expiresIn: "10s" });
    const tokenB = await signTestToken({ tenant: "tenant-b", roles: ["viewer"], expiresIn: "10s" });

    const first = await run(middleware, tokenA);
    expect(first.error).toBeUndefined();
    expect(first.identity).toEqual({ subject: "user-1", tenantId: "tenant-a", roles: ["agent"], scopes: [] });
    expect((await run(middleware, tokenA)).identity).toBe(first.identity);
    expect((await run(middleware, tokenB)).identity).toMatchObject({ tenantId: "tenant-b", roles: ["viewer"] });

    // A token signed with another secret is verified, not looked up, and refused.
    const forged = await signTestToken({ tenant: "tenant-a", secret: "another-secret-that-is-long-enough-0123456789" });
    expect((await run(middleware, forged)).error).toBeInstanceOf(UnauthenticatedError);

    // Remembered for at most 30 s, but this token expires after 10 s.
    jest.setSystemTime(new Date("2026-01-01T00:00:11Z"));
    const expired = await run(middleware, tokenA);
    expect(expired.error).toBeInstanceOf(UnauthenticatedError);
    expect(expired.identity).toBeUndefined();
  });
});
