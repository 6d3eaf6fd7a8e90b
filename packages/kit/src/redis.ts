import { Redis } from "ioredis";

/** A connection whose every key starts with this service's prefix (`contacts:`), so services never collide. */
export function connectRedis(url: string, keyPrefix: string): Redis {
  return new Redis(url, {
    keyPrefix: keyPrefix.endsWith(":") ? keyPrefix : `${keyPrefix}:`,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
  });
}

export async function pingRedis(redis: Redis): Promise<void> {
  if ((await redis.ping()) !== "PONG") throw new Error("Redis did not answer PONG");
}
