#!/usr/bin/env node
// Drops what tests made, named by @crm/testing's uniqueName (<prefix>_w<worker>_<8 hex>): their
// databases, and the durable JetStream consumers of their services (<name>-<purpose>). Tests
// leave both in place while they run (several restart a service on its own), so scripts/test.sh
// drops them afterwards: a checkout's storage grew by about a gigabyte with every run, and after
// a dozen runs a stream reached NATS's limit of 1 000 consumers, so that services could no longer
// start. Other databases and consumers (dev.sh's, benchmarks') are left alone.
//   MONGODB_URL=… NATS_URL=… node scripts/drop-test-state.mjs
import kit from "@crm/kit";

const TEST_NAME = /_w\d+_[0-9a-f]{8}(?:-|$)/;

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
