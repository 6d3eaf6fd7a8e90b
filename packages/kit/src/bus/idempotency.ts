import type { Redis } from "ioredis";

/**
 * Remembers which events a consumer has finished, so that a redelivery changes nothing twice.
 * Kept in the service's own Redis keys for a week, far beyond any redelivery window.
 */
export class RedisIdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds = 7 * 24 * 3600,
  ) {}

  async isDone(consumer: string, eventId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(consumer, eventId))) === 1;
  }

  async markDone(consumer: string, eventId: string): Promise<void> {
    await this.redis.set(this.key(consumer, eventId), "1", "EX", this.ttlSeconds);
  }

  private key(consumer: string, eventId: string): string {
    return `consumed:${consumer}:${eventId}`;
  }
}
