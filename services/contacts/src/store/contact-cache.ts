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
    if (!cached) return undefined;
    const contact = JSON.parse(cached) as Contact & Record<string, unknown>;
    for (const field of DATE_FIELDS) if (typeof contact[field] === "string") (contact as Record<string, unknown>)[field] = new Date(contact[field]);
    for (const [k, v] of Object.entries(contact.customFields)) {
      if (typeof v === "object" && v !== null && "$date" in v) contact.customFields[k] = new Date((v as { $date: string }).$date);
    }
    return contact;
  }

  async set(contact: Contact): Promise<void> {
    const customFields = Object.fromEntries(Object.entries(contact.customFields).map(([k, v]) => [k, v instanceof Date ? { $date: v.toISOString() } : v]));
    // A cache that is down makes reads slower, not failed.
    await this.redis.set(key(contact.tenantId, contact.id), JSON.stringify({ ...contact, customFields }), "EX", TTL_SECONDS).catch(() => undefined);
  }

  async invalidate(tenantId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.del(...ids.map((id) => key(tenantId, id)));
  }
}

function key(tenantId: string, id: string): string {
  return `contact:${tenantId}:${id}`;
}
