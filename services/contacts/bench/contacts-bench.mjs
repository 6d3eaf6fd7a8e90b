// Benchmark of the contacts service against a running instance (scripts/bench-contacts.sh
// starts one). BENCH_PHASE=import times a streamed CSV import of ROWS rows into a fresh tenant;
// BENCH_PHASE=read (the default) times reads of the tenant TENANT that seed-contacts.mjs (or an
// import) filled: get by id, search, and filtered lists, first page and pages deep in the cursor.
// Prints figures; asserts nothing.
import { Client, credentials, Metadata } from "@grpc/grpc-js";
import mongoose from "mongoose";
import { callUnary, createGrpcClient, identityKey, IdentitySigner, IDENTITY_METADATA_KEY, signIdentity } from "@crm/kit";
import { Redis } from "ioredis";
import { commonV1, contactsV1 } from "@crm/proto";
import { COLUMNS, FAMILY, GIVEN, OWNERS, pick, row } from "./rows.mjs";

const address = process.env.CONTACTS_ADDRESS ?? "127.0.0.1:50051";
const phase = process.env.BENCH_PHASE ?? "read";
const rows = Number(process.env.ROWS ?? 100_000);
const searches = Number(process.env.SEARCHES ?? 100);
const gets = Number(process.env.GETS ?? 3_000);
const warmupGets = Number(process.env.WARMUP_GETS ?? 1_000);
const lists = Number(process.env.LISTS ?? 30);
const deepPages = Number(process.env.DEEP_PAGES ?? 40);
const key = identityKey(process.env.IDENTITY_SIGNING_KEY);
const tenantId = process.env.TENANT ?? `bench_${Date.now().toString(36)}`;
const identity = { subject: "bench", tenantId, roles: ["admin"], scopes: [] };
const client = createGrpcClient(contactsV1.ContactsServiceClient, address);
// Calls carry identities signed as the gateway signs them: once per identity and 20 s.
const signer = new IdentitySigner(key);
const metadata = async () => {
  const m = new Metadata();
  m.set(IDENTITY_METADATA_KEY, await signIdentity(identity, key, 3600));
  return m;
};
const unary = async (method, request) =>
  callUnary(method.bind(client), request, { identityToken: await signer.sign(identity), timeoutMs: 120_000, retry: false });

/** The CSV file, generated as it is sent: never held whole. */
function* csvChunks() {
  yield Buffer.from(`${COLUMNS.join(",")}\n`);
  const perChunk = 500;
  for (let start = 0; start < rows; start += perChunk) {
    let text = "";
    for (let i = start; i < Math.min(rows, start + perChunk); i++) text += `${COLUMNS.map((column) => row(i)[column]).join(",")}\n`;
    yield Buffer.from(text);
  }
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (value) => `${value.toFixed(1)} ms`;
const figures = [];
const report = (name, value) => {
  figures.push([name, value]);
  console.log(`${name}: ${value}`);
};

async function importPhase() {
  const { job } = await unary(client.createImportJob, {
    options: { entity: contactsV1.ImportEntity.IMPORT_ENTITY_CONTACTS, columnMapping: {}, dryRun: false, naturalKey: "email", onDuplicate: contactsV1.DuplicatePolicy.DUPLICATE_POLICY_SKIP, defaultPhoneRegion: "" },
  });
  const importStarted = performance.now();
  const progress = setInterval(async () => {
    const { job: current } = await unary(client.getImportJob, { id: job.id });
    console.log(`  import: ${current.rowsProcessed} rows after ${((performance.now() - importStarted) / 1000).toFixed(0)} s`);
  }, 15_000);
  const uploadMetadata = await metadata();
  // The upload answers once the file is stored; the job then runs on its own until it finishes.
  await new Promise((resolve, reject) => {
    const call = client.uploadImportFile(uploadMetadata, { deadline: Date.now() + 4 * 3600_000 }, (error, response) => (error ? reject(error) : resolve(response.job)));
    call.write({ part: { $case: "jobId", jobId: job.id } });
    (async () => {
      for (const chunk of csvChunks()) if (!call.write({ part: { $case: "chunk", chunk } })) await new Promise((r) => call.once("drain", r));
      call.write({ part: { $case: "endOfFile", endOfFile: true } });
      call.end();
    })();
  });
  let finished;
  const done = [contactsV1.ImportStatus.IMPORT_STATUS_COMPLETED, contactsV1.ImportStatus.IMPORT_STATUS_FAILED];
  for (finished = job; !done.includes(finished.status); await new Promise((r) => setTimeout(r, 200))) {
    finished = (await unary(client.getImportJob, { id: job.id })).job;
  }
  clearInterval(progress);
  const importSeconds = (performance.now() - importStarted) / 1000;
  report("import rows", `${finished.rowsProcessed} (created ${finished.created}, failed ${finished.failed})`);
  report("import rows/s", (Number(finished.rowsProcessed) / importSeconds).toFixed(0));
}

const time = async (fn) => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};
const p50p99 = (values) => `${ms(percentile(values, 50))} / ${ms(percentile(values, 99))}`;
const condition = (field, comparator, ...values) => ({ node: { $case: "condition", condition: { field, comparator, values } } });
const list = (filter, pageToken = "", search = "", pageSize = 50) =>
  unary(client.listContacts, { filter, search, orderBy: [], page: { pageSize, pageToken, direction: commonV1.PageDirection.PAGE_DIRECTION_FORWARD } });

/** Removes the tenant's cached contacts from the service's Redis (CACHE_PREFIX: its key prefix). */
async function clearCachedContacts() {
  const redis = new Redis(process.env.REDIS_URL);
  let removed = 0;
  for await (const keys of redis.scanStream({ match: `${process.env.CACHE_PREFIX}:contact:${tenantId}:*`, count: 1000 })) {
    if (keys.length > 0) removed += await redis.unlink(...keys);
  }
  redis.disconnect();
  console.log(`cache: ${removed} cached contacts removed`);
}

async function storageReads(ids) {
  const connection = await mongoose.createConnection(process.env.MONGODB_URL, { dbName: process.env.MONGODB_DATABASE }).asPromise();
  const contacts = connection.db.collection("contacts");
  const times = [];
  for (const id of ids) times.push(await time(() => contacts.findOne({ _id: id, tenantId }, { projection: { outbox: 0, searchTokens: 0, matchKeys: 0 } })));
  await connection.close();
  return times;
}

async function emptyCalls(count) {
  const health = new Client(address, credentials.createInsecure());
  const check = () => new Promise((resolve, reject) => health.makeUnaryRequest("/grpc.health.v1.Health/Check", (request) => request, (reply) => reply, Buffer.alloc(0), (error, reply) => (error ? reject(error) : resolve(reply))));
  await check();
  const times = [];
  for (let i = 0; i < count; i++) times.push(await time(check));
  health.close();
  return times;
}

async function readPhase() {
  // 1. Every contact, by pages of 200 in the default order (newest first): the ids for gets.
  const ids = [];
  const walkStarted = performance.now();
  for (let token = ""; ; ) {
    const page = await list(undefined, token, "", 200);
    for (const contact of page.contacts) ids.push(contact.id);
    token = page.pageInfo?.endCursor ?? "";
    if (!page.pageInfo?.hasNextPage) break;
  }
  report(`walk all ${ids.length} contacts (pages of 200)`, `${((performance.now() - walkStarted) / 1000).toFixed(1)} s`);

  if (process.env.STREAM === "1") {
    const streamStarted = performance.now();
    let streamed = 0;
    const stream = client.streamContacts({ filter: undefined, search: "", afterId: "", batchSize: 1000 }, await metadata(), { deadline: Date.now() + 3600_000 });
    for await (const message of stream) streamed += message.contacts.length;
    report(`stream segment of ${streamed} contacts`, `${((performance.now() - streamStarted) / 1000).toFixed(1)} s`);
  }

  // 2. Get by id: the first read of an id misses the cache (emptied first: an earlier run filled
  // it for five minutes), the second hits it. Gets of other ids come first, untimed: the walk
  // above does not run the get path, and a service's first thousand gets are slower while it is
  // compiled (p99 7-10 ms, against 5.5-6.5 ms for the thousands after).
  await clearCachedContacts();
  const sample = Array.from({ length: Math.min(gets, ids.length) }, (_, i) => ids[Math.floor((i * ids.length) / gets)]);
  const sampled = new Set(sample);
  for (const id of ids.filter((id) => !sampled.has(id)).slice(0, warmupGets)) await unary(client.getContact, { id });
  const uncached = [];
  const cached = [];
  for (const id of sample) uncached.push(await time(() => unary(client.getContact, { id })));
  for (const id of sample) cached.push(await time(() => unary(client.getContact, { id })));
  report("get uncached p50 / p99", p50p99(uncached));
  report("get cached p50 / p99", p50p99(cached));
  // What a get is made of: the storage's read by _id (the same read the service makes, from this
  // process), and a gRPC call that does nothing (the health check) on this machine.
  report("  of which: storage read by _id p50 / p99", p50p99(await storageReads(sample)));
  report("  of which: gRPC call doing nothing p50 / p99", p50p99(await emptyCalls(sample.length)));

  // 3. Search, first page of 50: one word (prefixes of given names, family names, e-mails), or two.
  const queries = Array.from({ length: searches }, (_, i) => {
    const given = pick(GIVEN, i).slice(0, 3);
    const family = pick(FAMILY, i * 3).slice(0, 4);
    return [given, family, `person${i * 37}`, `${given} ${family}`, `${pick(GIVEN, i + 1)} person${i % 10}`][i % 5];
  });
  const searchTimes = [];
  for (const search of queries) searchTimes.push(await time(() => list(undefined, "", search)));
  report(`search p50 / p99 (${searches} queries)`, p50p99(searchTimes));

  // 4. Filtered lists in the default order: the first page, then pages deep in the cursor.
  const DAY = 86_400_000;
  const { Comparator } = commonV1;
  const filters = {
    "tags = vip": () => condition("tags", Comparator.COMPARATOR_EQ, "vip"),
    "ownerId = one of 20": (i) => condition("ownerId", Comparator.COMPARATOR_EQ, OWNERS[i % OWNERS.length]),
    "country = one of 8": (i) => condition("country", Comparator.COMPARATOR_EQ, ["PL", "GB", "RO", "US", "DE", "FR", "ES", "NL"][i % 8]),
    "type = customer|prospect": (i) => condition("type", Comparator.COMPARATOR_EQ, i % 2 ? "customer" : "prospect"),
    "lastInteractionAt >= 30..180 days ago": (i) =>
      condition("lastInteractionAt", Comparator.COMPARATOR_GTE, new Date(Date.now() - (30 + (i * 37) % 150) * DAY).toISOString()),
  };
  for (const [name, filter] of Object.entries(filters)) {
    const first = [];
    for (let i = 0; i < lists; i++) first.push(await time(() => list(filter(i))));
    const deep = [];
    let token = "";
    for (let page = 1; page <= deepPages; page++) {
      let result;
      const took = await time(async () => (result = await list(filter(0), token)));
      if (page > 10) deep.push(took);
      token = result.pageInfo?.endCursor ?? "";
      if (!result.pageInfo?.hasNextPage) break;
    }
    report(`list ${name}: first page p50 / p99`, p50p99(first));
    report(`list ${name}: pages 11-${deepPages} p50 / p99`, deep.length ? p50p99(deep) : "(fewer pages)");
  }
}

if (phase === "import") await importPhase();
else await readPhase();

console.log("\nfigures");
for (const [name, value] of figures) console.log(`  ${name.padEnd(58)} ${value}`);
client.close();
