import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { HttpError } from "./problem";

/** A finished request's answer, as it is replayed. */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

type Slot = { state: "running"; fingerprint: string } | ({ state: "done"; fingerprint: string } & StoredAnswer);

/** Keys live 24 h, as the IETF Idempotency-Key draft and the large payment APIs keep them. */
const KEEP_SECONDS = 24 * 3600;

/** One claimed key: the request runs, then completes (its answer stored) or releases the key. */
export interface IdempotentRequest {
  complete(answer: StoredAnswer): Promise<void>;
  release(): Promise<void>;
}

/**
 * Idempotency-Key records in Redis, per credential: the first request with a key claims it
 * (SET NX) with a fingerprint of its method, URL and body, runs, and stores its answer for 24 h.
 * A repeat gets that answer back; a repeat with another request is 422; a repeat while the first
 * still runs is 409. A claim whose request died (a crashed replica) lapses after `runningMs`.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly runningMs: number,
  ) {}

  static fingerprint(method: string, url: string, body: Buffer | undefined): string {
    return createHash("sha256").update(`${method} ${url}\n`).update(body ?? Buffer.alloc(0)).digest("base64url");
  }

  /** Claims the key, or answers what a repeat gets: the stored answer, or an HttpError (409, 422). */
  async begin(scope: string, key: string, fingerprint: string): Promise<{ claimed: IdempotentRequest } | { replay: StoredAnswer }> {
    const slot = `idempotency:${scope}:${createHash("sha256").update(key).digest("base64url")}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const running: Slot = { state: "running", fingerprint };
      if ((await this.redis.set(slot, JSON.stringify(running), "PX", this.runningMs, "NX")) === "OK") {
        return { claimed: this.claim(slot, fingerprint) };
      }
      const stored = await this.redis.get(slot);
      if (stored === null) continue; // lapsed between the two commands: claim again
      const existing = JSON.parse(stored) as Slot;
      if (existing.fingerprint !== fingerprint) throw new HttpError(422, "this Idempotency-Key was used for a different request (method, URL or body); use a new key");
      if (existing.state === "running") throw new HttpError(409, "the first request with this Idempotency-Key has not finished; retry later");
      return { replay: { status: existing.status, headers: existing.headers, body: existing.body } };
    }
    throw new HttpError(503, "the Idempotency-Key could not be claimed; retry");
  }

  private claim(slot: string, fingerprint: string): IdempotentRequest {
    return {
      complete: async (answer) => {
        const done: Slot = { state: "done", fingerprint, ...answer };
        await this.redis.set(slot, JSON.stringify(done), "EX", KEEP_SECONDS);
      },
      release: async () => {
        // Only our own running claim: a stored answer stays.
        const current = await this.redis.get(slot);
        if (current && (JSON.parse(current) as Slot).state === "running") await this.redis.del(slot);
      },
    };
  }
}
