import { EVENT_HEADERS, type Logger } from "@crm/kit/edge";
import { connect } from "@nats-io/transport-node";
import type { ReadCache } from "./read-cache";

/** The events of one service that make cached reads stale, and which keys they touch. */
export interface InvalidationSource {
  /** Subjects to follow, e.g. `crm.contacts.>`. */
  subject: string;
  /** The cache keys an event makes stale (ReadCache.key). */
  keysOf(type: string, tenantId: string, payload: Uint8Array): string[];
}

export interface Invalidations {
  close(): Promise<void>;
}

/**
 * Follows the services' events on NATS and removes the cached reads they make stale. The events
 * are read as they are published (a plain subscription: the gateway keeps no durable state), so
 * a gap cannot be replayed: while the connection is down the cache is off, and it starts empty
 * when the connection is back.
 */
export async function followInvalidations(natsUrl: string, sources: InvalidationSource[], cache: ReadCache, log: Logger): Promise<Invalidations> {
  const connection = await connect({ servers: natsUrl, name: "gateway-read-cache", maxReconnectAttempts: -1, reconnectTimeWait: 1_000 });
  for (const source of sources) {
    connection.subscribe(source.subject, {
      callback: (error, message) => {
        if (error) {
          log.warn({ err: error }, "read cache: event subscription failed; the cache is off");
          cache.disable();
          return;
        }
        const type = message.headers?.get(EVENT_HEADERS.type) ?? "";
        const tenantId = message.headers?.get(EVENT_HEADERS.tenant) ?? "";
        try {
          for (const key of source.keysOf(type, tenantId, message.data)) cache.invalidate(key);
        } catch (decodeError) {
          // An event that cannot be read may have changed anything: start again from nothing.
          log.warn({ err: decodeError, subject: message.subject }, "read cache: unreadable event; cache cleared");
          cache.enable();
        }
      },
    });
  }
  await connection.flush();
  cache.enable();
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === "disconnect" || status.type === "slowConsumer" || status.type === "staleConnection") cache.disable();
      if (status.type === "reconnect") cache.enable();
    }
  })();
  return {
    close: async () => {
      cache.disable();
      await connection.drain();
    },
  };
}
