import { identityKey, IdentitySigner, IdentityVerifier, signIdentity, TtlCache, UnauthenticatedError, verifyIdentity } from "../src";

const key = identityKey("a-signing-key-that-is-long-enough-0123456789");
const identity = { subject: "user-1", tenantId: "tenant-a", roles: ["agent"], scopes: ["contacts:read"] };

describe("forwarded identity", () => {
  it("round-trips through a signed token", async () => {
    await expect(verifyIdentity(await signIdentity(identity, key), key)).resolves.toEqual(identity);
  });

  it("rejects a token signed with another key, an expired one and garbage", async () => {
    const other = await signIdentity(identity, identityKey("another-key-that-is-also-long-enough-0123"));
    await expect(verifyIdentity(other, key)).rejects.toBeInstanceOf(UnauthenticatedError);
    const expired = await signIdentity(identity, key, -10);
    await expect(verifyIdentity(expired, key)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(verifyIdentity("not-a-token", key)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});

describe("signed identities reused for a while", () => {
  afterEach(() => jest.useRealTimers());

  it("signs once per identity and period, a new token once the reuse period is over", async () => {
    jest.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z"), doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    const signer = new IdentitySigner(key, 60, 20);
    const first = await signer.sign(identity);
    expect(await signer.sign({ ...identity, roles: [...identity.roles] })).toBe(first);
    const other = await signer.sign({ ...identity, tenantId: "tenant-b" });
    expect(other).not.toBe(first);
    await expect(verifyIdentity(other, key)).resolves.toEqual({ ...identity, tenantId: "tenant-b" });
    jest.setSystemTime(new Date("2026-01-01T00:00:21Z"));
    const renewed = await signer.sign(identity);
    expect(renewed).not.toBe(first);
    // The reused token always has most of its life left: 60 s signed, at most 20 s reused.
    const { exp } = JSON.parse(Buffer.from(renewed.split(".")[1]!, "base64url").toString()) as { exp: number };
    expect(exp * 1_000 - Date.now()).toBeGreaterThanOrEqual(59_000);
  });
});

describe("verified identities remembered by token hash", () => {
  afterEach(() => jest.useRealTimers());

  it("answers a known token from memory, but never past its expiry, and verifies every unknown one", async () => {
    jest.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z"), doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    const verifier = new IdentityVerifier(key, 30_000);
    const token = await signIdentity(identity, key, 10);
    await expect(verifier.verify(token)).resolves.toEqual(identity);
    await expect(verifier.verify(token)).resolves.toEqual(identity);
    const forged = await signIdentity(identity, identityKey("another-key-that-is-also-long-enough-0123"), 10);
    await expect(verifier.verify(forged)).rejects.toBeInstanceOf(UnauthenticatedError);
    // Remembered for up to 30 s, but the token itself expires after 10 s.
    jest.setSystemTime(new Date("2026-01-01T00:00:11Z"));
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});

describe("TtlCache", () => {
  it("drops expired entries and, when full, the least recently used", () => {
    const cache = new TtlCache<number>(2);
    cache.set("a", 1, 1_000);
    cache.set("b", 2, 1_000);
    expect(cache.get("a", 0)).toBe(1); // a is now the most recently used
    cache.set("c", 3, 1_000);
    expect([cache.get("a", 0), cache.get("b", 0), cache.get("c", 0)]).toEqual([1, undefined, 3]);
    expect(cache.get("a", 1_000)).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});
