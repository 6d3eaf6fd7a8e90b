// Seeds the benchmark database in bulk with exactly the documents the contacts service stores for
// the benchmark's CSV rows: each row goes through the import's own code (contactDraftFromRow,
// prepareContact), and the stored document, its search tokens and its match keys are built by
// the store's and domain's code (toDocument, contactSearchWords, contactMatchKeys); documents
// are then inserted in batches through the service's models, as relayed contacts (empty outbox).
// About 60% of contacts also carry the lastInteractionAt an interaction event would set.
//
// A database seeded for the same ROWS and TENANT is kept (a marker document says so), so later
// runs skip this step; RESEED=1 seeds it again.
//   MONGODB_URL=… MONGODB_DATABASE=… TENANT=… ROWS=100000 node bench/seed-contacts.mjs
import mongoose from "mongoose";
import { uuidv7 } from "@crm/kit";
import { row } from "./rows.mjs";
import csv from "../dist/domain/csv-columns.js";
import domain from "../dist/domain/contact.js";
import search from "../dist/domain/search.js";
import blocking from "../dist/domain/blocking.js";
import repository from "../dist/store/contact-repository.js";
import contactModel from "../dist/store/contact.model.js";
import matchKeyModel from "../dist/store/match-key.model.js";

const url = process.env.MONGODB_URL ?? "mongodb://127.0.0.1:27018";
const database = process.env.MONGODB_DATABASE;
const tenantId = process.env.TENANT ?? "bench";
const rows = Number(process.env.ROWS ?? 100_000);
const batchSize = Number(process.env.BATCH ?? 1000);
if (!database) throw new Error("MONGODB_DATABASE is required");

const connection = await mongoose.createConnection(url, { dbName: database }).asPromise();
const marker = connection.db.collection("bench_seed");
const seeded = await marker.findOne({ _id: "seed" });
if (seeded && seeded.rows === rows && seeded.tenantId === tenantId && process.env.RESEED !== "1") {
  console.log(`seed: ${database} already holds ${rows} contacts of tenant ${tenantId}; kept`);
  await connection.close();
  process.exit(0);
}
await connection.db.dropDatabase();
const Contact = await contactModel.createContactModel(connection);
const MatchKey = await matchKeyModel.createMatchKeyModel(connection);

// Spread over the last two years, oldest first, as if imported over time.
const DAY = 86_400_000;
const start = Date.now() - 730 * DAY;
const step = Math.floor((730 * DAY) / rows);
const keys = new Map();
const started = performance.now();
let batch = [];
for (let i = 0; i < rows; i++) {
  const { draft, violations } = csv.contactDraftFromRow(row(i), "");
  if (violations.length > 0) throw new Error(`row ${i}: ${JSON.stringify(violations)}`);
  const fields = domain.prepareContact(draft, []);
  const at = new Date(start + i * step);
  const id = uuidv7(at.getTime());
  const contact = { ...fields, id, tenantId, state: "active", createdAt: at, updatedAt: at, createdBy: "bench", updatedBy: "bench", version: 1 };
  const matchKeys = blocking.contactMatchKeys(fields);
  const held = [...matchKeys.identity, ...matchKeys.similarity];
  // Filed as a create files them: common keys stop growing (blocking.keysToFile).
  const counts = new Map(matchKeys.similarity.map((key) => [key, (keys.get(key)?.length ?? 0) + 1]));
  for (const key of [...matchKeys.identity, ...blocking.keysToFile(matchKeys.similarity, counts)]) (keys.get(key) ?? keys.set(key, []).get(key)).push(id);
  const document = { ...repository.toDocument(contact), searchTokens: search.searchTokens(search.contactSearchWords(contact, [])), matchKeys: held, outbox: [] };
  if (i % 10 < 6) document.lastInteractionAt = new Date(Date.now() - ((i * 7919) % 365) * DAY - (i % 1000) * 1000);
  batch.push(document);
  if (batch.length === batchSize || i === rows - 1) {
    await Contact.insertMany(batch, { ordered: true });
    batch = [];
    if ((i + 1) % 10_000 < batchSize) console.log(`  seed: ${i + 1} contacts after ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
}
const contactSeconds = (performance.now() - started) / 1000;
let keyBatch = [];
for (const [key, ids] of keys) {
  keyBatch.push({ _id: `${tenantId}|${key}`, tenantId, ids });
  if (keyBatch.length === 5000) {
    await MatchKey.insertMany(keyBatch, { ordered: false });
    keyBatch = [];
  }
}
if (keyBatch.length > 0) await MatchKey.insertMany(keyBatch, { ordered: false });
await marker.insertOne({ _id: "seed", rows, tenantId, at: new Date() });
console.log(`seed: ${rows} contacts in ${contactSeconds.toFixed(0)} s (${(rows / contactSeconds).toFixed(0)} rows/s), ${keys.size} match keys, ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
await connection.close();
