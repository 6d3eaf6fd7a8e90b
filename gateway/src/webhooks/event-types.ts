import { eventsV1 } from "@crm/proto";

/** The API's name of an event: its subject without `crm.`, e.g. `contacts.contact.created`. */
export function eventTypeOf(subject: string): string {
  return subject.replace(/^crm\./, "");
}

/** `a.b.c`, `a.b.*`, `a.*` or `*`: lower-case words with dashes and underscores. */
export const EVENT_PATTERN = /^(\*|[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*(\.\*)?)$/;

/** Whether an event type matches a subscription's pattern. */
export function typeMatches(pattern: string, type: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith(".*")) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** The service whose read permission a pattern needs (its first word), or undefined for `*`. */
export function serviceOfPattern(pattern: string): string | undefined {
  return pattern === "*" ? undefined : pattern.split(".")[0];
}

type Codec = { decode(payload: Uint8Array): unknown; toJSON(message: unknown): unknown };

/**
 * An event's payload as JSON, by its protobuf type (`crm.events.v1.ContactCreated`), without its
 * envelope (`meta`), or undefined for a type this gateway does not know (built before it existed).
 */
export function eventData(type: string, payload: Uint8Array): { data: Record<string, unknown>; occurredAt?: string } | undefined {
  const name = type.startsWith("crm.events.v1.") ? type.slice("crm.events.v1.".length) : "";
  const codec = (eventsV1 as unknown as Record<string, Codec | undefined>)[name];
  if (!codec || typeof codec.decode !== "function") return undefined;
  const { meta, ...data } = codec.toJSON(codec.decode(payload)) as { meta?: { occurTime?: string } } & Record<string, unknown>;
  return { data, ...(meta?.occurTime ? { occurredAt: meta.occurTime } : {}) };
}
