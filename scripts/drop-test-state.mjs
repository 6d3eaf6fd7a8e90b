#!/usr/bin/env node
// Drops what tests made, named by @crm/testing's uniqueName (<prefix>_w<worker>_<8 hex>): their
// databases, the durable JetStream consumers of their services (<name>-<purpose>), and the Redis
// keys under their prefixes (<name>:… or <name>_<service>:…). Tests leave them in place while they
// run (several restart a service on its own), so scripts/test.sh drops them afterwards: a
// checkout's storage grew by about a gigabyte with every run; after a dozen runs a stream reached
// NATS's limit of 1 000 consumers, so that services could no longer start; and Redis kept every
// run's keys for a week (mostly the consumers' marks of events handled): 1.7 million after a
// day's runs, which it reloaded at each start. Other databases, consumers and keys (dev.sh's,
// benchmarks') are left alone.
//   MONGODB_URL=… NATS_URL=… REDIS_URL=… node scripts/drop-test-state.mjs
import kit from "@crm/kit";
import { Redis } from "ioredis";

const TEST_NAME = /_w\d+_[0-9a-f]{8}(?:-|$)/;
const TEST_KEY = /^[^:]*_w\d+_[0-9a-f]{8}[_:]/;

const connection = await kit.connectMongo(process.env.MONGODB_URL, "admin");
try {
  const { databases } = await connection.db.admin().listDatabases({ nameOnly: true });
  const names = databases.map((database) => database.name).filter((name) => TEST_NAME.test(name));
  for (const name of names) await connection.useDb(name, { useCache: false }).dropDatabase();
  console.error(`dropped ${names.length} test databases`);
} finally {
  await connection.close();
}

const bus = await kit.EventBus.connect(process.env.NATS_URL, "test-cleanup", kit.createLogger("test-cleanup", "silent"));
try {
  // Listed whole before any is deleted: the listing pages by offset, and deleting as it goes skipped half.
  const doomed = [];
  for await (const stream of bus.jsm.streams.list()) {
    for await (const consumer of bus.jsm.consumers.list(stream.config.name)) {
      if (TEST_NAME.test(consumer.name)) doomed.push([stream.config.name, consumer.name]);
    }
  }
  for (const [stream, consumer] of doomed) await bus.jsm.consumers.delete(stream, consumer);
  console.error(`deleted ${doomed.length} test consumers`);
} finally {
  await bus.close();
}

const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 2 });
try {
  let removed = 0;
  for await (const keys of redis.scanStream({ match: "*_w[0-9]*:*", count: 1000 })) {
    const doomed = keys.filter((key) => TEST_KEY.test(key));
    if (doomed.length > 0) removed += await redis.unlink(...doomed);
  }
  console.error(`removed ${removed} test keys from Redis`);
} finally {
  redis.disconnect();
}
