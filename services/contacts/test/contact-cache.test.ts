import { connectRedis, createLogger, uuidv7 } from "@crm/kit";
import { testInfra, uniqueName } from "@crm/testing";
import type { Contact } from "../src/domain/contact";
import { ContactCache } from "../src/store/contact-cache";

// The contact cache on the real Redis: a read that raced a change never leaves the older version behind.
const redis = connectRedis(testInfra().redisUrl, uniqueName("contact_cache"), createLogger("test", "silent"));
afterAll(() => redis.disconnect());

const contact = (id: string, title: string): Contact =>
  ({
    id, tenantId: "t1", state: "active", givenName: "Ada", familyName: "Lovelace", displayName: "Ada Lovelace", title, jobRole: "", emails: [], phones: [], addresses: [],
    language: "", timeZone: "", birthday: "", interests: [], preferences: {}, communication: { preferredChannel: "", doNotEmail: false, doNotCall: false, doNotMail: false },
    leadSource: "", ownerId: "", relationshipType: "customer", tags: [], customFields: {}, organizations: [], externalId: "",
    createdAt: new Date("2026-01-01T00:00:00Z"), updatedAt: new Date("2026-01-02T00:00:00Z"), createdBy: "u", updatedBy: "u", version: 1,
  }) as Contact;

describe("the contact cache", () => {
  const cache = new ContactCache(redis);

  it("serves what was filled, with its dates", async () => {
    const id = uuidv7();
    await cache.set(contact(id, "Analyst"));
    expect(await cache.get("t1", id)).toMatchObject({ title: "Analyst", updatedAt: new Date("2026-01-02T00:00:00Z") });
    expect((await cache.getMany("t1", [id, uuidv7()])).size).toBe(1);
  });

  it("drops a fill of a version read before a change stored after it", async () => {
    const id = uuidv7();
    const readBeforeTheChange = contact(id, "Analyst");
    await cache.invalidate("t1", [id]); // the change is stored and the cache told
    await cache.set(readBeforeTheChange); // the slower read comes back
    expect(await cache.get("t1", id)).toBeUndefined();
    expect((await cache.getMany("t1", [id])).size).toBe(0);
  });

  it("replaces a cached version when it changes", async () => {
    const id = uuidv7();
    await cache.set(contact(id, "Analyst"));
    await cache.invalidate("t1", [id]);
    expect(await cache.get("t1", id)).toBeUndefined();
  });
});
