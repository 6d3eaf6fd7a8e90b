import { identityKey, signIdentity, UnauthenticatedError, verifyIdentity } from "../src";

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
