import { kitMeter, TtlCache } from "@crm/kit/edge";

/** A response the gateway can answer again: its JSON and its ETag. */
export interface CachedResponse {
  etag: string;
  json: string;
  /** The record's owner, for callers limited to their own records. */
  owner: string;
}

/** What a read saw before it asked the service: a fill stores its answer only if nothing changed since. */
export interface FillTicket {
  key: string;
  generation: number;
  epoch: number;
}

/** Invalidations are counted in this many buckets, by key hash; a collision only costs a miss. */
const GENERATION_BUCKETS = 1 << 16;

export interface ReadCacheSettings {
  maxEntries: number;
  /** How long an entry may be served without an event saying it changed (bounds what an event never says). */
  ttlMs: number;
}

/**
 * Single-resource reads (a contact by id) answered by the gateway itself, as a process with an
 * in-memory cache would answer them: without the gRPC hop. Entries are keyed by tenant, kind and
 * id, and removed when the owning service's events say the resource changed (event-invalidation.ts).
 *
 * A read that misses takes a ticket, asks the service, then fills: the fill is dropped when an
 * invalidation of that key (or a clear) happened in between, so that an answer read before a
 * change can never be stored after the change's event. While events cannot be followed (NATS
 * down), the cache is off: every read goes to the service.
 */
export class ReadCache {
  private readonly entries: TtlCache<CachedResponse>;
  private readonly generations = new Uint32Array(GENERATION_BUCKETS);
  private epoch = 0;
  private enabled = false;
  private readonly followers: Array<(change: { key: string } | "clear") => void> = [];
  hits = 0;
  misses = 0;

  constructor(private readonly settings: ReadCacheSettings) {
    this.entries = new TtlCache(settings.maxEntries);
    kitMeter()
      .createObservableCounter("gateway.read_cache.reads", { description: "Single-resource reads, answered from the gateway's cache or not" })
      .addCallback((result) => {
        result.observe(this.hits, { outcome: "hit" });
        result.observe(this.misses, { outcome: "miss" });
      });
  }

  static key(tenantId: string, kind: string, id: string): string {
    return `${tenantId}|${kind}|${id}`;
  }

  get(key: string): CachedResponse | undefined {
    const entry = this.enabled ? this.entries.get(key) : undefined;
    if (entry) this.hits++;
    else this.misses++;
    return entry;
  }

  ticket(key: string): FillTicket {
    return { key, generation: this.generations[bucketOf(key)]!, epoch: this.epoch };
  }

  fill(ticket: FillTicket, response: CachedResponse): void {
    if (!this.enabled || ticket.epoch !== this.epoch || this.generations[bucketOf(ticket.key)] !== ticket.generation) return;
    this.entries.set(ticket.key, response, Date.now() + this.settings.ttlMs);
  }

  invalidate(key: string): void {
    const bucket = bucketOf(key);
    this.generations[bucket] = (this.generations[bucket]! + 1) >>> 0;
    this.entries.delete(key);
    for (const follower of this.followers) follower({ key });
  }

  /** Tells a cache built on this one's events (the customer 360 cache) of each invalidation and clear. */
  follow(follower: (change: { key: string } | "clear") => void): void {
    this.followers.push(follower);
  }

  /** Whether events are followed, so that what they invalidate can be served from memory. */
  get serving(): boolean {
    return this.enabled;
  }

  /** Serves again from now on (events are followed). */
  enable(): void {
    this.clear();
    this.enabled = true;
  }

  /** Serves nothing and forgets everything (events may have been missed). */
  disable(): void {
    this.enabled = false;
    this.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private clear(): void {
    this.epoch++;
    this.entries.clear();
    for (const follower of this.followers) follower("clear");
  }
}

/** FNV-1a over the key's UTF-16 code units, into a bucket. */
function bucketOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) & (GENERATION_BUCKETS - 1);
}
