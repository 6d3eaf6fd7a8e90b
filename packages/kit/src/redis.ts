import { Redis } from "ioredis";
import type { Logger } from "./logger";

/**
 * A connection whose every key starts with this service's prefix (`contacts:`), so services never
 * collide. While Redis is unreachable ioredis reconnects by itself; its errors are logged as JSON
 * (without a listener it would print them raw to stderr), and readiness reports the outage.
 */
export function connectRedis(url: string, keyPrefix: string, log?: Logger): Redis {
  const redis = new Redis(url, {
    keyPrefix: keyPrefix.endsWith(":") ? keyPrefix : `${keyPrefix}:`,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
  });
  redis.on("error", (error: Error) => log?.warn({ err: error }, "Redis connection error; reconnecting"));
  return redis;
}

export async function pingRedis(redis: Redis): Promise<void> {
  if ((await redis.ping()) !== "PONG") throw new Error("Redis did not answer PONG");
}
