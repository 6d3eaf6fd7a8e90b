import type { Redis } from "ioredis";

/**
 * A per-tenant send rate shared by every replica: a counter per tenant and second in Redis.
 * `take(n)` waits until n messages fit in the tenant's rate (a second's count over it waits for
 * the next second), so that all the tenant's campaigns together stay under it.
 */
export class TenantThrottle {
  constructor(private readonly redis: Redis) {}

  async take(tenantId: string, count: number, perSecond: number): Promise<void> {
    let remaining = count;
    while (remaining > 0) {
      const second = Math.floor(Date.now() / 1000);
      const key = `throttle:${tenantId}:${second}`;
      const chunk = Math.min(remaining, perSecond);
      const used = await this.redis.incrby(key, chunk);
      if (used === chunk) await this.redis.expire(key, 5);
      if (used <= perSecond) {
        remaining -= chunk;
        continue;
      }
      // Over the rate: give back what did not fit, wait for the next second.
      const fitted = Math.max(0, perSecond - (used - chunk));
      if (fitted < chunk) await this.redis.decrby(key, chunk - fitted);
      remaining -= fitted;
      await new Promise((resolve) => setTimeout(resolve, (second + 1) * 1000 - Date.now() + 1));
    }
  }
}
