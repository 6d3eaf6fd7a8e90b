import { ReadCache } from "../src/cache/read-cache";

const response = (version: number) => ({ etag: `W/"${version}"`, json: `{"version":${version}}`, owner: "" });

describe("the gateway's read cache", () => {
  const key = ReadCache.key("t1", "contact", "c1");

  it("serves nothing until it follows events, and nothing once it stops", () => {
    const cache = new ReadCache({ maxEntries: 10, ttlMs: 60_000 });
    cache.fill(cache.ticket(key), response(1));
    expect(cache.get(key)).toBeUndefined();
    cache.enable();
    cache.fill(cache.ticket(key), response(1));
    expect(cache.get(key)).toEqual(response(1));
    cache.disable();
    expect(cache.get(key)).toBeUndefined();
    cache.enable();
    expect(cache.get(key)).toBeUndefined();
  });

  it("drops a fill read before a change whose event arrived first", () => {
    const cache = new ReadCache({ maxEntries: 10, ttlMs: 60_000 });
    cache.enable();
    const ticket = cache.ticket(key); // a read asks the service...
    cache.invalidate(key); // ...the record changes and its event arrives...
    cache.fill(ticket, response(1)); // ...then the older answer comes back
    expect(cache.get(key)).toBeUndefined();
    cache.fill(cache.ticket(key), response(2));
    expect(cache.get(key)).toEqual(response(2));
    cache.invalidate(key);
    expect(cache.get(key)).toBeUndefined();
  });

  it("drops a fill that straddles a loss of the event stream", () => {
    const cache = new ReadCache({ maxEntries: 10, ttlMs: 60_000 });
    cache.enable();
    const ticket = cache.ticket(key);
    cache.disable();
    cache.enable();
    cache.fill(ticket, response(1));
    expect(cache.get(key)).toBeUndefined();
  });

  it("keeps entries apart by tenant, expires them, and holds at most its size", () => {
    const cache = new ReadCache({ maxEntries: 2, ttlMs: 50 });
    cache.enable();
    cache.fill(cache.ticket(key), response(1));
    expect(cache.get(ReadCache.key("t2", "contact", "c1"))).toBeUndefined();
    cache.fill(cache.ticket(ReadCache.key("t1", "contact", "c2")), response(2));
    cache.fill(cache.ticket(ReadCache.key("t1", "contact", "c3")), response(3));
    expect(cache.size).toBe(2);
    expect(cache.get(key)).toBeUndefined();
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        expect(cache.get(ReadCache.key("t1", "contact", "c3"))).toBeUndefined();
        resolve();
      }, 80),
    );
  });
});
