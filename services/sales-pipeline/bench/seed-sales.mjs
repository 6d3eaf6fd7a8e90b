// Seeds the benchmark database in bulk with the documents the sales-pipeline service stores: one
// pipeline of six stages, DEALS deals and ORDERS orders of one tenant, and the customer values
// those orders make. Each document goes through the service's own domain code (preparePipeline,
// prepareDeal, derived, moveHistory, prepareProduct, prepareOrder, customerValueOf) and is
// inserted in batches through its models, as relayed records (empty outbox).
//
// A database seeded for the same DEALS, ORDERS and TENANT is kept (a marker document says so),
// so later runs skip this step; RESEED=1 seeds it again.
//   MONGODB_URL=… MONGODB_DATABASE=… TENANT=bench DEALS=50000 ORDERS=200000 node bench/seed-sales.mjs
import mongoose from "mongoose";
import { uuidv7 } from "@crm/kit";
import pipelines from "../dist/domain/pipeline.js";
import deals from "../dist/domain/deal.js";
import products from "../dist/domain/product.js";
import orders from "../dist/domain/order.js";
import values from "../dist/domain/customer-value.js";
import pipelineModel from "../dist/store/pipeline.model.js";
import dealModel from "../dist/store/deal.model.js";
import productModel from "../dist/store/product.model.js";
import orderModel from "../dist/store/order.model.js";
import valueModel from "../dist/store/customer-value.model.js";
import cellModel from "../dist/store/forecast-cell.model.js";
import forecast from "../dist/domain/forecast.js";

const url = process.env.MONGODB_URL ?? "mongodb://127.0.0.1:27018";
const database = process.env.MONGODB_DATABASE;
const tenantId = process.env.TENANT ?? "bench";
const dealCount = Number(process.env.DEALS ?? 50_000);
const orderCount = Number(process.env.ORDERS ?? 200_000);
const customers = Number(process.env.CUSTOMERS ?? Math.max(1, Math.floor(orderCount / 10)));
const batchSize = Number(process.env.BATCH ?? 1000);
if (!database) throw new Error("MONGODB_DATABASE is required");

const connection = await mongoose.createConnection(url, { dbName: database }).asPromise();
const marker = connection.db.collection("bench_seed");
const seeded = await marker.findOne({ _id: "seed" });
if (seeded && seeded.deals === dealCount && seeded.orders === orderCount && seeded.tenantId === tenantId && process.env.RESEED !== "1") {
  console.log(`seed: ${database} already holds ${dealCount} deals and ${orderCount} orders of tenant ${tenantId}; kept`);
  await connection.close();
  process.exit(0);
}
await connection.db.dropDatabase();
const models = {
  pipeline: await pipelineModel.createPipelineModel(connection),
  deal: await dealModel.createDealModel(connection),
  product: await productModel.createProductModel(connection),
  order: await orderModel.createOrderModel(connection),
  value: await valueModel.createCustomerValueModel(connection),
  product_held: await valueModel.createCustomerProductModel(connection),
  cell: await cellModel.createForecastCellModel(connection),
};

const DAY = 86_400_000;
const now = Date.now();
const audit = (at) => ({ createdAt: at, updatedAt: at, createdBy: "bench", updatedBy: "bench", version: 1 });
const withoutUndefined = (object) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
const started = performance.now();
async function insertAll(model, documents) {
  for (let i = 0; i < documents.length; i += batchSize) await model.insertMany(documents.slice(i, i + batchSize), { ordered: false, lean: true });
}

// One pipeline, six stages.
const fields = pipelines.preparePipeline({
  name: "Bench pipeline",
  stages: [
    { id: "", name: "Qualify", probability: 10, kind: "open" },
    { id: "", name: "Discovery", probability: 25, kind: "open" },
    { id: "", name: "Proposal", probability: 50, kind: "open" },
    { id: "", name: "Negotiation", probability: 75, kind: "open" },
    { id: "", name: "Won", probability: 100, kind: "won" },
    { id: "", name: "Lost", probability: 0, kind: "lost" },
  ],
});
const pipeline = { ...fields, id: uuidv7(now - 800 * DAY), tenantId, ...audit(new Date(now - 800 * DAY)) };
await models.pipeline.create({ ...fields, _id: pipeline.id, tenantId, requestKey: pipeline.id, ...audit(new Date(now - 800 * DAY)), outbox: [] });
console.log(`seed: pipeline ${pipeline.id}`);

// Deals: spread over two years; each walked through a few stages (its history), a third closed.
const CURRENCIES = ["EUR", "USD", "GBP", "JPY"];
let documents = [];
for (let i = 0; i < dealCount; i++) {
  const createdAt = new Date(now - 730 * DAY + Math.floor((i * 730 * DAY) / dealCount));
  const currency = CURRENCIES[i % CURRENCIES.length];
  const draft = {
    name: `Deal ${i}`, pipelineId: pipeline.id, stageId: "", organizationId: uuidv7(), stakeholders: [{ contactId: uuidv7(), role: "decision_maker" }],
    amount: { currencyCode: currency, amountMinor: String(10_000 + ((i * 7919) % 5_000_000)) }, expectedCloseDate: new Date(createdAt.getTime() + 90 * DAY).toISOString().slice(0, 10),
    probability: i % 10 === 0 ? 33 : undefined, ownerId: `owner-${i % 25}`, competitors: [], nextStep: "", closeReason: "",
  };
  const dealFields = deals.prepareDeal(draft, pipeline);
  const steps = 1 + (i % 4);
  let history = [];
  let stage = pipeline.stages[0];
  for (let s = 0; s < steps; s++) {
    stage = s === steps - 1 && i % 3 === 0 ? pipeline.stages[i % 2 ? 4 : 5] : pipeline.stages[s];
    history = deals.moveHistory(history, pipeline, stage, new Date(createdAt.getTime() + s * 5 * DAY), "bench");
  }
  const placed = { ...dealFields, stageId: stage.id };
  const id = uuidv7(createdAt.getTime());
  const deal = { ...placed, ...deals.derived(placed, stage), tenantId, leadId: "", stageHistory: history, ...(stage.kind !== "open" ? { closedAt: history.at(-1).enteredAt } : {}), ...audit(createdAt) };
  documents.push(withoutUndefined({ ...deal, _id: id, requestKey: id, outbox: [] }));
}
await insertAll(models.deal, documents);
// The forecast cells those deals make, as the service computes them.
const cells = new Map();
for (const deal of documents) {
  const id = forecast.cellId(tenantId, forecast.cellKeyOf(deal));
  const cell = cells.get(id) ?? cells.set(id, { _id: id, tenantId, ...forecast.cellKeyOf(deal), count: 0, total: 0, weighted: 0, asOf: new Date() }).get(id);
  cell.count += 1;
  cell.total += deal.amount.minor;
  cell.weighted += deal.weightedMinor;
}
await insertAll(models.cell, [...cells.values()]);
console.log(`seed: ${dealCount} deals (${cells.size} forecast cells) in ${((performance.now() - started) / 1000).toFixed(0)} s`);

// Products and orders: CUSTOMERS buyers, a tenth of them with an organisation too.
const catalogue = new Map();
const productDocs = [];
for (let p = 0; p < 8; p++) {
  const productFields = products.prepareProduct({
    sku: `SKU-${p + 1}`, name: `Product ${p + 1}`, description: "", prices: CURRENCIES.map((c, k) => ({ currencyCode: c, amountMinor: String((p + 1) * 1_000 * (k === 3 ? 100 : 1)) })),
    billing: p % 2 ? "recurring" : "one_off", interval: p % 2 ? "month" : "", active: true,
  });
  const id = uuidv7();
  catalogue.set(productFields.sku, { ...productFields, id, tenantId, ...audit(new Date(now - 800 * DAY)) });
  productDocs.push({ ...productFields, _id: id, tenantId, requestKey: id, ...audit(new Date(now - 800 * DAY)), outbox: [] });
}
await insertAll(models.product, productDocs);
const buyers = Array.from({ length: customers }, (_, c) => ({ contactId: uuidv7(), organizationId: c % 10 === 0 ? uuidv7() : "", currency: CURRENCIES[c % 3] }));
const STATUSES = ["placed", "paid", "paid", "fulfilled", "fulfilled", "fulfilled", "cancelled", "refunded"];
const byCustomer = new Map();
documents = [];
for (let i = 0; i < orderCount; i++) {
  const buyer = buyers[i % customers];
  const placedAt = new Date(now - 700 * DAY + Math.floor((i * 700 * DAY) / orderCount));
  const draft = { contactId: buyer.contactId, organizationId: buyer.organizationId, dealId: "", currency: buyer.currency, lines: [{ sku: `SKU-${1 + (i % 8)}`, quantity: 1 + (i % 3), unitPrice: undefined }, ...(i % 4 === 0 ? [{ sku: `SKU-${1 + ((i + 3) % 8)}`, quantity: 1, unitPrice: undefined }] : [])], placedAt };
  const orderFields = orders.prepareOrder(draft, catalogue, new Date(now));
  const status = STATUSES[i % STATUSES.length];
  const id = uuidv7(placedAt.getTime());
  const order = { ...orderFields, status, statusHistory: [{ status: "placed", at: placedAt, by: "bench" }, ...(status !== "placed" ? [{ status, at: placedAt, by: "bench" }] : [])] };
  documents.push({ ...order, _id: id, tenantId, requestKey: id, ...audit(placedAt), outbox: [] });
  for (const [type, customerId] of [["contact", buyer.contactId], ["organization", buyer.organizationId]]) {
    if (!customerId) continue;
    const key = `${type}:${customerId}`;
    (byCustomer.get(key) ?? byCustomer.set(key, { type, customerId, orders: [] }).get(key)).orders.push(order);
  }
  if (documents.length >= batchSize * 10) {
    await insertAll(models.order, documents);
    documents = [];
  }
}
await insertAll(models.order, documents);
console.log(`seed: ${orderCount} orders of ${customers} customers in ${((performance.now() - started) / 1000).toFixed(0)} s`);

// Customer values and the products customers hold, as the service computes them from the orders.
const valueDocs = [];
const heldDocs = [];
const asOf = new Date();
for (const { type, customerId, orders: theirs } of byCustomer.values()) {
  const { values: perCurrency, products: held } = values.customerValueOf(theirs);
  const activeSkus = held.map((p) => p.sku);
  for (const v of perCurrency) valueDocs.push({ ...v, _id: `${type}:${customerId}:${v.currency}`, tenantId, customerType: type, customerId, activeSkus, asOf, updatedAt: asOf });
  for (const p of held) heldDocs.push({ ...p, _id: `${type}:${customerId}:${p.sku}`, tenantId, customerType: type, customerId, asOf });
}
await insertAll(models.value, valueDocs);
await insertAll(models.product_held, heldDocs);
await marker.insertOne({ _id: "seed", tenantId, deals: dealCount, orders: orderCount, pipelineId: pipeline.id, contactIds: buyers.slice(0, 1000).map((b) => b.contactId), at: new Date() });
console.log(`seed: ${valueDocs.length} customer values; done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
await connection.close();
