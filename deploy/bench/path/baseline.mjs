// The smallest thing that serves the same calls: one express + mongoose process on the same
// storage, reading the contacts service's own documents, with no gateway, gRPC, telemetry or
// identity. It is the yardstick of the request-path benchmark, not part of the product.
//   PORT=0 MONGODB_URL=… MONGODB_DATABASE=… [REDIS_URL=… CACHE=redis] node baseline.mjs
// With CACHE=redis a read is cached in Redis as the contacts service caches it (JSON, 300 s).
import express from "express";
import { Redis } from "ioredis";
import mongoose from "mongoose";

const { PORT = "0", MONGODB_URL, MONGODB_DATABASE, REDIS_URL, CACHE = "none", TENANT = "bench" } = process.env;
const TTL_SECONDS = 300;

const connection = await mongoose.createConnection(MONGODB_URL, { dbName: MONGODB_DATABASE }).asPromise();
// The service's collection, read as it stores it; what a client does not see is left out.
const Contact = connection.model("Contact", new mongoose.Schema({ _id: String }, { collection: "contacts", strict: false, versionKey: false }));
const created = connection.model(
  "BaselineContact",
  new mongoose.Schema(
    { _id: String, tenantId: String, givenName: String, familyName: String, displayName: String, emails: [{ address: String, _id: false }], createdAt: Date },
    { collection: "baseline_contacts", versionKey: false },
  ),
);
const HIDDEN = { searchTokens: 0, matchKeys: 0, outbox: 0, outboxSince: 0 };
const redis = CACHE === "redis" ? new Redis(REDIS_URL, { keyPrefix: `baseline-${process.pid}:` }) : undefined;

const app = express();
app.disable("x-powered-by");
app.use(express.json({ limit: "1mb" }));

app.get("/contacts/:id", async (req, res) => {
  const key = `contact:${TENANT}:${req.params.id}`;
  const cached = await redis?.get(key);
  if (cached) return void res.type("json").send(cached);
  const contact = await Contact.findOne({ _id: req.params.id, tenantId: TENANT }, HIDDEN).lean();
  if (!contact) return void res.status(404).json({ title: "Not found" });
  const body = JSON.stringify(contact);
  await redis?.set(key, body, "EX", TTL_SECONDS);
  res.type("json").send(body);
});

app.post("/contacts", async (req, res) => {
  const { givenName = "", familyName = "", email } = req.body ?? {};
  const doc = await created.create({
    _id: crypto.randomUUID(),
    tenantId: TENANT,
    givenName,
    familyName,
    displayName: `${givenName} ${familyName}`.trim(),
    emails: email ? [{ address: String(email).toLowerCase() }] : [],
    createdAt: new Date(),
  });
  res.status(201).json(doc.toObject());
});

const server = app.listen(Number(PORT), "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
const stop = async () => {
  server.close();
  redis?.disconnect();
  await connection.close();
  process.exit(0);
};
process.on("SIGTERM", stop).on("SIGINT", stop);
