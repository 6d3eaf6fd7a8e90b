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

  /** Which of these events the consumer has finished (one round trip for all). */
  async doneAmong(consumer: string, eventIds: string[]): Promise<Set<string>> {
    const ids = eventIds.filter(Boolean);
    if (ids.length === 0) return new Set();
    const found = await this.redis.mget(ids.map((id) => this.key(consumer, id)));
    return new Set(ids.filter((_, i) => found[i] !== null));
  }

  async markAllDone(consumer: string, eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of eventIds) pipeline.set(this.key(consumer, id), "1", "EX", this.ttlSeconds);
    await pipeline.exec();
  }

  private key(consumer: string, eventId: string): string {
    return `consumed:${consumer}:${eventId}`;
  }
}
