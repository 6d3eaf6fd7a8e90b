// Benchmark of the contacts service against a running instance (scripts/bench-contacts.sh
// starts one). Seeds ROWS contacts through the streamed CSV import, then measures reads.
// Prints figures; asserts nothing.
import { Metadata } from "@grpc/grpc-js";
import { callUnary, createGrpcClient, identityKey, IDENTITY_METADATA_KEY, signIdentity } from "@crm/kit";
import { contactsV1 } from "@crm/proto";

const address = process.env.CONTACTS_ADDRESS ?? "127.0.0.1:50051";
const rows = Number(process.env.ROWS ?? 100_000);
const searches = Number(process.env.SEARCHES ?? 30);
const gets = Number(process.env.GETS ?? 1_000);
const key = identityKey(process.env.IDENTITY_SIGNING_KEY);
const identity = { subject: "bench", tenantId: `bench_${Date.now().toString(36)}`, roles: ["admin"], scopes: [] };
const client = createGrpcClient(contactsV1.ContactsServiceClient, address);
// Forwarded identities live a minute (as the gateway signs them per request): sign per call.
const metadata = async () => {
  const m = new Metadata();
  m.set(IDENTITY_METADATA_KEY, await signIdentity(identity, key, 3600));
  return m;
};
const unary = async (method, request) =>
  callUnary(method.bind(client), request, { identityToken: await signIdentity(identity, key), timeoutMs: 120_000, retry: false });

const GIVEN = ["Ada", "Grace", "Alan", "Maria", "Łukasz", "José", "Zoë", "Katherine", "Ion", "Hedy", "Tim", "Margaret", "Linus", "Barbara", "Edsger", "Frances", "John", "Radia", "Donald", "Sophie"];
const FAMILY = ["Lovelace", "Hopper", "Turing", "Skłodowska", "Nowak", "García", "Kowalski", "Johnson", "Creangă", "Lamarr", "Berners-Lee", "Hamilton", "Torvalds", "Liskov", "Dijkstra", "Allen", "Backus", "Perlman", "Knuth", "Wilson"];
const COUNTRIES = ["GB", "US", "PL", "RO", "DE", "FR", "ES", "NL"];
const pick = (list, i) => list[i % list.length];

/** The CSV file, generated as it is sent: never held whole. */
function* csvChunks() {
  yield Buffer.from("givenName,familyName,email,phone,country,type,tags,externalId\n");
  const perChunk = 500;
  for (let start = 0; start < rows; start += perChunk) {
    let text = "";
    for (let i = start; i < Math.min(rows, start + perChunk); i++) {
      // Family names repeat (as in life): the duplicate check meets many similar records.
      const family = `${pick(FAMILY, Math.floor(i / 7))}${Math.floor(i / 140)}`;
      const phone = i % 2 === 0 ? `+48 6${String(10_000_000 + i).slice(-8)}` : "";
      text += `${pick(GIVEN, i)},${family},person${i}@bench.example,${phone},${pick(COUNTRIES, i)},${i % 3 === 0 ? "customer" : "prospect"},${i % 10 === 0 ? "vip" : ""},ext-${i}\n`;
    }
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

// 1. Import.
const { job } = await unary(client.createImportJob, {
  options: { entity: contactsV1.ImportEntity.IMPORT_ENTITY_CONTACTS, columnMapping: {}, dryRun: false, naturalKey: "email", onDuplicate: contactsV1.DuplicatePolicy.DUPLICATE_POLICY_SKIP, defaultPhoneRegion: "" },
});
const importStarted = performance.now();
const progress = setInterval(async () => {
  const { job: current } = await unary(client.getImportJob, { id: job.id });
  console.log(`  import: ${current.rowsProcessed} rows after ${((performance.now() - importStarted) / 1000).toFixed(0)} s`);
}, 15_000);
const uploadMetadata = await metadata();
const finished = await new Promise((resolve, reject) => {
  const call = client.uploadImportFile(uploadMetadata, { deadline: Date.now() + 4 * 3600_000 }, (error, response) => (error ? reject(error) : resolve(response.job)));
  call.write({ part: { $case: "jobId", jobId: job.id } });
  (async () => {
    for (const chunk of csvChunks()) if (!call.write({ part: { $case: "chunk", chunk } })) await new Promise((r) => call.once("drain", r));
    call.end();
  })();
});
clearInterval(progress);
const importSeconds = (performance.now() - importStarted) / 1000;
report("import rows", `${finished.rowsProcessed} (created ${finished.created}, failed ${finished.failed})`);
report("import rows/s", (Number(finished.rowsProcessed) / importSeconds).toFixed(0));

// 2. Segment: every contact of the tenant, streamed.
const streamStarted = performance.now();
const ids = [];
const stream = client.streamContacts({ filter: undefined, search: "", afterId: "", batchSize: 1000 }, await metadata(), { deadline: Date.now() + 3600_000 });
for await (const message of stream) for (const contact of message.contacts) ids.push(contact.id);
report(`stream segment of ${ids.length} contacts`, `${((performance.now() - streamStarted) / 1000).toFixed(1)} s`);

// 3. Get by id: the first read of an id misses the cache, the second hits it.
const sample = Array.from({ length: Math.min(gets, ids.length) }, (_, i) => ids[Math.floor((i * ids.length) / gets)]);
const time = async (fn) => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};
const uncached = [];
const cached = [];
for (const id of sample) uncached.push(await time(() => unary(client.getContact, { id })));
for (const id of sample) cached.push(await time(() => unary(client.getContact, { id })));
report("get uncached p50 / p99", `${ms(percentile(uncached, 50))} / ${ms(percentile(uncached, 99))}`);
report("get cached p50 / p99", `${ms(percentile(cached, 50))} / ${ms(percentile(cached, 99))}`);

// 4. Search: prefixes of names and e-mails, first page of 50.
const queries = Array.from({ length: searches }, (_, i) => [pick(GIVEN, i).slice(0, 3), `${pick(FAMILY, i * 3).slice(0, 4)}`, `person${i * 37}`][i % 3]);
const searchTimes = [];
for (const search of queries) searchTimes.push(await time(() => unary(client.listContacts, { search, orderBy: [], page: { pageSize: 50, pageToken: "", direction: 0 } })));
report(`search p50 / p99 (${searches} queries)`, `${ms(percentile(searchTimes, 50))} / ${ms(percentile(searchTimes, 99))}`);

console.log("\nfigures");
for (const [name, value] of figures) console.log(`  ${name.padEnd(40)} ${value}`);
client.close();
