// Benchmark of the sales-pipeline service against a running instance on the seeded database
// (scripts/bench-sales.sh seeds it and starts the service). Prints figures; asserts nothing.
//  1. forecast: GetForecast of the seeded pipeline (every deal, by stage, owner and close month,
//     per currency), FORECASTS times, p50/p99;
//  2. board: GetBoard of that pipeline, 20 deals per stage with counts and totals, BOARDS times;
//  3. order writes: ORDER_WRITES CreateOrder calls (CONCURRENCY at once) for seeded customers,
//     each bringing its buyer's value up to date; orders/s and p50/p99 per call;
//  4. lead scoring: SCORE_EVENTS leads (each naming a contact) and, paced at SCORE_RATE/s, one
//     interaction.logged (a web visit) per lead's contact, published as the interactions service
//     does; the time from the publish to the lead's new score stored (its scoredAt; one clock), p50/p99.
import { callUnary, createGrpcClient, createLogger, EventBus, identityKey, signIdentity, uuidv7 } from "@crm/kit";
import { EventMeta, eventsV1, salesPipelineV1 } from "@crm/proto";
import mongoose from "mongoose";

const address = process.env.SALES_PIPELINE_ADDRESS ?? "127.0.0.1:50052";
const tenantId = process.env.TENANT ?? "bench";
const forecasts = Number(process.env.FORECASTS ?? 30);
const boards = Number(process.env.BOARDS ?? 50);
const orderWrites = Number(process.env.ORDER_WRITES ?? 2_000);
const concurrency = Number(process.env.CONCURRENCY ?? 8);
const scoreEvents = Number(process.env.SCORE_EVENTS ?? 300);
const scoreRate = Number(process.env.SCORE_RATE ?? 20);
const identity = { subject: "bench", tenantId, roles: ["admin"], scopes: [] };
const key = identityKey(process.env.IDENTITY_SIGNING_KEY);
const client = createGrpcClient(salesPipelineV1.SalesPipelineServiceClient, address);
const db = await mongoose.createConnection(process.env.MONGODB_URL, { dbName: process.env.MONGODB_DATABASE }).asPromise();
const seed = await db.collection("bench_seed").findOne({ _id: "seed" });
if (!seed) throw new Error("the database is not seeded (bench/seed-sales.mjs)");

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
const ms = (value) => `${value.toFixed(1)} ms`;
const report = (name, value) => console.log(`${name}: ${value}`);
const call = async (method, request) =>
  callUnary(client[method].bind(client), salesPipelineV1[`${method[0].toUpperCase()}${method.slice(1)}Request`].fromPartial(request), {
    identityToken: await signIdentity(identity, key),
    timeoutMs: 120_000,
    retry: false,
  });

async function timed(times, work) {
  const durations = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await work(i);
    durations.push(performance.now() - started);
  }
  return `${ms(percentile(durations, 50))} / ${ms(percentile(durations, 99))}`;
}

async function forecastPhase() {
  const deals = await db.collection("deals").countDocuments({ tenantId });
  const first = await call("getForecast", { pipelineId: seed.pipelineId });
  const counted = first.totals.reduce((sum, row) => sum + Number(row.dealCount), 0);
  if (counted !== deals) throw new Error(`the forecast counted ${counted} deals of ${deals}`);
  report(`forecast of one pipeline (${deals} deals, 4 currencies, by stage, owner and close month), p50/p99 over ${forecasts}`, await timed(forecasts, () => call("getForecast", { pipelineId: seed.pipelineId })));
  const year = new Date().getUTCFullYear();
  report(`forecast of the deals closing in one quarter, p50/p99 over ${forecasts}`, await timed(forecasts, () => call("getForecast", { pipelineId: seed.pipelineId, closeFrom: `${year}-01-01`, closeTo: `${year}-03-31` })));
}

async function boardPhase() {
  const board = await call("getBoard", { pipelineId: seed.pipelineId, pageSize: 20 });
  const shown = board.columns.map((c) => `${c.stage.name} ${c.dealCount}`).join(", ");
  report(`board (6 stages: ${shown}; 20 deals each, counts and totals per currency), p50/p99 over ${boards}`, await timed(boards, () => call("getBoard", { pipelineId: seed.pipelineId, pageSize: 20 })));
  const column = board.columns[0];
  report(`one stage's column, its next page by cursor, p50/p99 over ${boards}`, await timed(boards, () => call("getBoard", { pipelineId: seed.pipelineId, pageSize: 20, stageId: column.stage.id, pageToken: column.pageInfo.endCursor })));
}

async function orderPhase() {
  const durations = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < orderWrites) {
        const i = next++;
        const contactId = seed.contactIds[i % seed.contactIds.length];
        const begun = performance.now();
        await call("createOrder", { order: { contactId, currencyCode: ["EUR", "USD", "GBP"][i % 3], lines: [{ sku: `SKU-${1 + (i % 8)}`, quantity: 1 + (i % 3) }] }, requestId: uuidv7() });
        durations.push(performance.now() - begun);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  report(`order writes (${orderWrites} orders, ${concurrency} at once, each updating its buyer's value)`, `${(orderWrites / seconds).toFixed(0)} orders/s; per call p50/p99 ${ms(percentile(durations, 50))} / ${ms(percentile(durations, 99))}`);
}

async function scorePhase() {
  await call("setScoringRules", { rules: [{ id: "visit", type: "behaviour", behaviour: "web_visit", points: 5, maxOccurrences: 10 }] });
  const contacts = Array.from({ length: scoreEvents }, () => uuidv7());
  const leads = [];
  for (const contactId of contacts) leads.push((await call("createLead", { lead: { name: `Lead ${leads.length}`, contactId } })).lead.id);
  const bus = await EventBus.connect(process.env.NATS_URL, "sales-bench", createLogger("bench", "silent"));
  const publishedAt = new Map();
  const started = Date.now();
  for (let i = 0; i < contacts.length; i++) {
    const due = started + (i * 1000) / scoreRate;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const eventId = uuidv7();
    const payload = eventsV1.InteractionLogged.encode(
      eventsV1.InteractionLogged.fromPartial({
        meta: EventMeta.fromPartial({ eventId, tenantId, occurTime: new Date(), actor: "bench" }),
        interactionId: uuidv7(), kind: "web_visit", contactIds: [contacts[i]], occurTime: new Date(), summary: "Pricing page", version: 1,
      }),
    ).finish();
    publishedAt.set(leads[i], Date.now());
    await bus.publish({ subject: "crm.interactions.interaction.logged", type: "crm.events.v1.InteractionLogged", tenantId, eventId, payload });
  }
  const scored = new Map();
  const deadline = Date.now() + 120_000;
  while (scored.size < leads.length && Date.now() < deadline) {
    const found = await db.collection("leads").find({ tenantId, _id: { $in: leads.filter((id) => !scored.has(id)) }, score: 5 }, { projection: { scoredAt: 1 } }).toArray();
    for (const lead of found) scored.set(lead._id, lead.scoredAt.getTime());
    if (scored.size < leads.length) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await bus.close();
  if (scored.size < leads.length) throw new Error(`${leads.length - scored.size} leads not scored in time`);
  const latencies = leads.map((id) => scored.get(id) - publishedAt.get(id));
  report(`lead score after an event (interaction.logged published -> score stored), ${leads.length} events at ${scoreRate}/s, p50/p99`, `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))}`);
}

try {
  await forecastPhase();
  await boardPhase();
  await orderPhase();
  await scorePhase();
} finally {
  client.close();
  await db.close();
}
