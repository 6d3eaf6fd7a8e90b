import type { Logger } from "@crm/kit/edge";
import type { Redis } from "ioredis";
import type { RequestHandler } from "express";
import { HttpError } from "../http/problem";

/**
 * A token bucket per credential, in Redis so that every replica counts alike: it holds up to a
 * minute's allowance, refills continuously, and each request takes one token. Redis's own clock
 * is used, so replicas' clocks need not agree. Answers { allowed, remaining tokens, ms until one is back }.
 */
const TOKEN_BUCKET = `
local capacity = tonumber(ARGV[1])
local per_ms = capacity / 60000
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * per_ms)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], 60000)
local wait = 0
if tokens < 1 then wait = math.ceil((1 - tokens) / per_ms) end
return { allowed, math.floor(tokens), wait, math.ceil((capacity - tokens) / per_ms) }
`;

/** The script as a command of the connection (EVALSHA, loaded once). */
type TakeToken = (key: string, capacity: number) => Promise<[allowed: number, remaining: number, waitMs: number, fullMs: number]>;

export interface RateLimitSettings {
  /** Requests per minute of a credential without a limit of its own. */
  requestsPerMinute: number;
}

/**
 * Per-credential rate limits with `RateLimit-Policy` and `RateLimit-Limit/-Remaining/-Reset`
 * headers (IETF draft) on every answer, and 429 problem+json with `Retry-After` when the bucket
 * is empty. While Redis is unreachable requests pass (limits are protection, not billing).
 */
export function rateLimit(redis: Redis, settings: RateLimitSettings, log: Logger): RequestHandler {
  redis.defineCommand("takeToken", { numberOfKeys: 1, lua: TOKEN_BUCKET });
  const takeToken = (redis as unknown as { takeToken: TakeToken }).takeToken.bind(redis);
  let lastWarning = 0;
  return (req, res, next) => {
    if (!req.credential) return next();
    const limit = req.credential.requestsPerMinute ?? settings.requestsPerMinute;
    takeToken(`ratelimit:${req.credential.id}`, limit).then(
      ([allowed, remaining, waitMs, fullMs]) => {
        res.setHeader("RateLimit-Policy", `${limit};w=60`);
        res.setHeader("RateLimit-Limit", String(limit));
        res.setHeader("RateLimit-Remaining", String(remaining));
        res.setHeader("RateLimit-Reset", String(Math.ceil(fullMs / 1_000)));
        if (allowed) return next();
        const seconds = Math.max(1, Math.ceil(waitMs / 1_000));
        res.setHeader("Retry-After", String(seconds));
        next(new HttpError(429, `at most ${limit} requests a minute for this credential; retry in ${seconds} s`));
      },
      (error: unknown) => {
        if (Date.now() - lastWarning > 10_000) {
          lastWarning = Date.now();
          log.warn({ err: error }, "rate limits cannot be counted (Redis); requests pass unlimited");
        }
        next();
      },
    );
  };
}
