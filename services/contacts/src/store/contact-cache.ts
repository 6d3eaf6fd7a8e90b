import type { Redis } from "ioredis";
import type { Contact } from "../domain/contact";

const TTL_SECONDS = 300;
/**
 * How long a change keeps its contact out of the cache: longer than any read that started before
 * the change can take to come back and fill it.
 */
const TOMBSTONE_SECONDS = 10;
const TOMBSTONE = "-";
const DATE_FIELDS = ["createdAt", "updatedAt", "lastInteractionAt"] as const;

/**
 * Single-contact reads cached in Redis under this service's prefix. A write replaces the entry
 * with a short-lived tombstone after it is stored, and entries are filled only where nothing is
 * (SET NX): a read that began before a change and comes back after it finds the tombstone and
 * leaves the cache alone, instead of caching the older version for minutes.
 */
export class ContactCache {
  constructor(private readonly redis: Redis) {}

  async get(tenantId: string, id: string): Promise<Contact | undefined> {
    const cached = await this.redis.get(key(tenantId, id)).catch(() => null);
    return cached && cached !== TOMBSTONE ? parse(cached) : undefined;
  }

  /** The cached contacts among ids, by id; one round trip. */
  async getMany(tenantId: string, ids: string[]): Promise<Map<string, Contact>> {
    if (ids.length === 0) return new Map();
    const cached = await this.redis.mget(ids.map((id) => key(tenantId, id))).catch(() => []);
    const found = new Map<string, Contact>();
    cached.forEach((value, index) => value && value !== TOMBSTONE && found.set(ids[index]!, parse(value)));
    return found;
  }

  async set(contact: Contact): Promise<void> {
    await this.setMany([contact]);
  }

  /** Caches contacts as read (or just created), unless a change of theirs came since: see the class. */
  async setMany(contacts: Contact[]): Promise<void> {
    if (contacts.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const contact of contacts) pipeline.set(key(contact.tenantId, contact.id), serialise(contact), "EX", TTL_SECONDS, "NX");
    // A cache that is down makes reads slower, not failed.
    await pipeline.exec().catch(() => undefined);
  }

  async invalidate(tenantId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.set(key(tenantId, id), TOMBSTONE, "EX", TOMBSTONE_SECONDS);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
  }
}

function serialise(contact: Contact): string {
  const customFields = Object.fromEntries(Object.entries(contact.customFields).map(([k, v]) => [k, v instanceof Date ? { $date: v.toISOString() } : v]));
  return JSON.stringify({ ...contact, customFields });
}

function parse(cached: string): Contact {
  const contact = JSON.parse(cached) as Contact & Record<string, unknown>;
  for (const field of DATE_FIELDS) if (typeof contact[field] === "string") (contact as Record<string, unknown>)[field] = new Date(contact[field]);
  for (const [k, v] of Object.entries(contact.customFields)) {
    if (typeof v === "object" && v !== null && "$date" in v) contact.customFields[k] = new Date((v as { $date: string }).$date);
  }
  return contact;
}

function key(tenantId: string, id: string): string {
  return `contact:${tenantId}:${id}`;
}
