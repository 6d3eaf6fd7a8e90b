import type { Redis } from "ioredis";
import { execAll } from "./redis-pipeline";

/** Members asked per SMISMEMBER in a check. */
const BATCH = 1_000;

/**
 * Each tenant's suppression list in Redis, as a set of address hashes, loaded whole from MongoDB
 * when absent (a first check, a Redis flush). The list is small beside the audiences it filters.
 * Every change bumps the tenant's generation after MongoDB has it, so that checks read a set
 * loaded after the change: a load that raced a change fills a generation nobody reads any more.
 */
export class SuppressionCache {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {}

  /** Which of these hashes are suppressed, in order. `load` reads the tenant's whole list from MongoDB. */
  async contains(tenantId: string, hashes: string[], load: () => Promise<string[]>): Promise<boolean[]> {
    if (hashes.length === 0) return [];
    const generation = (await this.redis.get(generationKey(tenantId))) ?? "0";
    const set = setKey(tenantId, generation);
    if ((await this.redis.exists(readyKey(set))) === 0) await this.fill(set, await load());
    const pipeline = this.redis.pipeline();
    for (let start = 0; start < hashes.length; start += BATCH) pipeline.smismember(set, ...hashes.slice(start, start + BATCH));
    return (await execAll(pipeline)).flatMap((members) => (members as number[]).map((member) => member === 1));
  }

  /** The list changed in MongoDB: later checks load it again. */
  async changed(tenantId: string): Promise<void> {
    await this.redis.incr(generationKey(tenantId));
  }

  private async fill(set: string, hashes: string[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (let start = 0; start < hashes.length; start += BATCH) pipeline.sadd(set, ...hashes.slice(start, start + BATCH));
    // The set outlives its ready mark: a check never finds the mark without the set.
    pipeline.expire(set, this.ttlSeconds + 60);
    pipeline.set(readyKey(set), "1", "EX", this.ttlSeconds);
    await execAll(pipeline);
  }
}

const generationKey = (tenantId: string) => `suppressions:${tenantId}:generation`;
const setKey = (tenantId: string, generation: string) => `suppressions:${tenantId}:${generation}`;
const readyKey = (set: string) => `${set}:ready`;
