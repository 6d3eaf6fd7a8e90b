import { randomBytes } from "node:crypto";

export interface TestInfra {
  mongodbUrl: string;
  natsUrl: string;
  redisUrl: string;
}

/**
 * The real servers the tests use, started by scripts/test.sh (scripts/infra.sh start) and
 * announced in the environment. Tests never start imitations of them.
 */
export function testInfra(): TestInfra {
  const { MONGODB_URL, NATS_URL, REDIS_URL } = process.env;
  if (!MONGODB_URL || !NATS_URL || !REDIS_URL) {
    throw new Error("MONGODB_URL, NATS_URL and REDIS_URL are not set: run the tests with scripts/test.sh");
  }
  return { mongodbUrl: MONGODB_URL, natsUrl: NATS_URL, redisUrl: REDIS_URL };
}

/** A name no other test or jest worker uses: for databases, Redis prefixes, tenants, consumers. */
export function uniqueName(prefix: string): string {
  return `${prefix}_w${process.env.JEST_WORKER_ID ?? "0"}_${randomBytes(4).toString("hex")}`;
}
