#!/usr/bin/env node
// Drops the databases that tests made (named by @crm/testing's uniqueName: <prefix>_w<worker>_<8 hex>).
// Each test starts its services on databases of their own and several restart on them, so they are
// left in place while tests run; scripts/test.sh drops them afterwards, so that a checkout's
// storage does not grow by about a gigabyte with every run. Other databases (dev.sh's crm_*,
// benchmarks') are left alone.
//   MONGODB_URL=mongodb://127.0.0.1:27018 node scripts/drop-test-databases.mjs
import kit from "@crm/kit";

const TEST_DATABASE = /_w\d+_[0-9a-f]{8}$/;
const connection = await kit.connectMongo(process.env.MONGODB_URL, "admin");
try {
  const { databases } = await connection.db.admin().listDatabases({ nameOnly: true });
  const names = databases.map((database) => database.name).filter((name) => TEST_DATABASE.test(name));
  for (const name of names) await connection.useDb(name, { useCache: false }).dropDatabase();
  console.error(`dropped ${names.length} test databases`);
} finally {
  await connection.close();
}
