import type { Redis } from "ioredis";
import type { SubjectStates } from "../domain/decision";
import { execAll } from "./redis-pipeline";

/** Keys read per MGET in a check; a check of 100 000 subjects sends them all in one pipeline. */
const MGET_BATCH = 1_000;

/**
 * Sets a subject's states only over an older version: of two writers, the one that wrote the
 * later ledger entry wins, whatever order their cache writes arrive in.
 */
const SET_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local version = tonumber(string.match(current, '^(%d+)|'))
  if version and version >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'EX', ARGV[3])
return 1`;

/**
 * Fills absent keys (SET NX) a thousand at a time: one script call instead of a thousand
 * commands, which is most of what a first check of a large audience costs the client.
 */
const FILL_ABSENT = `
for i, key in ipairs(KEYS) do redis.call('SET', key, ARGV[i + 1], 'EX', ARGV[1], 'NX') end
return #KEYS`;

/** What a subject without any record is cached as. */
const NO_RECORD = "0|{}";

type CacheRedis = Redis & {
  setIfNewer(key: string, version: number, value: string, ttlSeconds: number): Promise<number>;
  fillAbsent(keyCount: number, ...keysThenTtlThenValues: Array<string | number>): Promise<number>;
};
/** A pipeline with the command defined above (ioredis adds it to pipelines too). */
interface CachePipeline {
  setIfNewer(key: string, version: number, value: string, ttlSeconds: number): CachePipeline;
  fillAbsent(keyCount: number, ...keysThenTtlThenValues: Array<string | number>): CachePipeline;
  exec(): Promise<Array<[Error | null, unknown]> | null>;
}

/**
 * Each subject's consents for one purpose, in Redis under this service's prefix, as
 * `<version>|<json>`, the version being the latest ledger position among them. Checks read them
 * in pipelined batches and fill what is missing from MongoDB with SET NX; writers set the new
 * states with SET-if-newer after MongoDB has them. So a fill that read MongoDB before a write
 * cannot overwrite that write's states, and after a Redis flush every key is filled again
 * from MongoDB: a check is never answered from states older than the last write it could see.
 */
export class ConsentCache {
  private readonly redis: CacheRedis;

  constructor(
    redis: Redis,
    private readonly ttlSeconds: number,
  ) {
    redis.defineCommand("setIfNewer", { numberOfKeys: 1, lua: SET_IF_NEWER });
    redis.defineCommand("fillAbsent", { lua: FILL_ABSENT });
    this.redis = redis as CacheRedis;
  }

  /**
   * The states of these subjects (absent: no record), from Redis where they are, the rest from
   * `load` (MongoDB), which are then cached, absent ones as empty.
   */
  async statesOf(tenantId: string, purposeId: string, subjectIds: string[], load: (missing: string[]) => Promise<Map<string, SubjectStates>>): Promise<Map<string, SubjectStates>> {
    const states = new Map<string, SubjectStates>();
    const missing: string[] = [];
    const pipeline = this.redis.pipeline();
    for (let start = 0; start < subjectIds.length; start += MGET_BATCH) {
      pipeline.mget(subjectIds.slice(start, start + MGET_BATCH).map((subjectId) => key(tenantId, purposeId, subjectId)));
    }
    let index = 0;
    for (const values of await execAll(pipeline)) {
      for (const value of values as Array<string | null>) {
        const subjectId = subjectIds[index++]!;
        if (value === null) missing.push(subjectId);
        else states.set(subjectId, parse(value));
      }
    }
    if (missing.length === 0) return states;
    const loaded = await load(missing);
    const fill = this.redis.pipeline() as unknown as CachePipeline;
    for (let start = 0; start < missing.length; start += MGET_BATCH) {
      const batch = missing.slice(start, start + MGET_BATCH);
      const values = batch.map((subjectId) => {
        const subject = loaded.get(subjectId) ?? {};
        states.set(subjectId, subject);
        return serialise(subject);
      });
      fill.fillAbsent(batch.length, ...batch.map((subjectId) => key(tenantId, purposeId, subjectId)), this.ttlSeconds, ...values);
    }
    await execAll(fill);
    return states;
  }

  /** Subjects' states as a write left them in MongoDB (absent from `states`: none), in one pipeline. */
  async writtenMany(tenantId: string, purposeId: string, states: Map<string, SubjectStates>, subjectIds: string[]): Promise<void> {
    const pipeline = this.redis.pipeline() as unknown as CachePipeline;
    for (const subjectId of subjectIds) {
      const subject = states.get(subjectId) ?? {};
      pipeline.setIfNewer(key(tenantId, purposeId, subjectId), versionOf(subject), JSON.stringify(subject), this.ttlSeconds);
    }
    await execAll(pipeline);
  }

  /** A subject has no consents any more (an erasure at ledger position `version`, after all of them). */
  async cleared(tenantId: string, purposeIds: string[], subjectId: string, version: number): Promise<void> {
    const pipeline = this.redis.pipeline() as unknown as CachePipeline;
    for (const purposeId of purposeIds) pipeline.setIfNewer(key(tenantId, purposeId, subjectId), version, "{}", this.ttlSeconds);
    await execAll(pipeline);
  }
}

function key(tenantId: string, purposeId: string, subjectId: string): string {
  return `consent:${tenantId}:${purposeId}:${subjectId}`;
}

function versionOf(states: SubjectStates): number {
  return Math.max(0, ...Object.values(states).map((state) => state.seq));
}

function serialise(states: SubjectStates): string {
  return `${versionOf(states)}|${JSON.stringify(states)}`;
}

function parse(value: string): SubjectStates {
  return value === NO_RECORD ? {} : (JSON.parse(value.slice(value.indexOf("|") + 1)) as SubjectStates);
}
