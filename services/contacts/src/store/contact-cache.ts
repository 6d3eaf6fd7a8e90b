import type { Redis } from "ioredis";
import type { Contact } from "../domain/contact";

const TTL_SECONDS = 300;
const DATE_FIELDS = ["createdAt", "updatedAt", "lastInteractionAt"] as const;

/**
 * Single-contact reads cached in Redis under this service's prefix. Every write deletes the
 * entry after it is stored; entries also expire, which bounds how long a read that raced a
 * write can serve the older version.
 */
export class ContactCache {
  constructor(private readonly redis: Redis) {}

  async get(tenantId: string, id: string): Promise<Contact | undefined> {
    const cached = await this.redis.get(key(tenantId, id)).catch(() => null);
    return cached ? parse(cached) : undefined;
  }

  /** The cached contacts among ids, by id; one round trip. */
  async getMany(tenantId: string, ids: string[]): Promise<Map<string, Contact>> {
    if (ids.length === 0) return new Map();
    const cached = await this.redis.mget(ids.map((id) => key(tenantId, id))).catch(() => []);
    const found = new Map<string, Contact>();
    cached.forEach((value, index) => value && found.set(ids[index]!, parse(value)));
    return found;
  }

  async set(contact: Contact): Promise<void> {
    await this.setMany([contact]);
  }

  async setMany(contacts: Contact[]): Promise<void> {
    if (contacts.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const contact of contacts) pipeline.set(key(contact.tenantId, contact.id), serialise(contact), "EX", TTL_SECONDS);
    // A cache that is down makes reads slower, not failed.
    await pipeline.exec().catch(() => undefined);
  }

  async invalidate(tenantId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.del(...ids.map((id) => key(tenantId, id)));
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
