// Benchmark of the interactions service's timelines against a running instance (scripts/bench-interactions.sh
// starts one on a fresh database). Publishes events as the producers would (interactions' own
// interaction.logged and contacts' contact.created, from their protos) and prints figures;
// asserts nothing.
//  1. ingest: a burst of ENTRIES interaction.logged events about one contact (its timeline then
//     holds ENTRIES entries) and ENTRIES/5 contact.created events about an organisation's people,
//     published as fast as JetStream takes them; the rate at which the timeline consumers store them;
//  2. latency: LATENCY_EVENTS events published at half that rate; publish-to-stored time of each
//     (the entry's recordedAt, set by the service, minus the publish time; one clock);
//  3. reads: ListTimeline of that contact, the first page and a page deep in the cursor (page
//     DEEP_PAGE of 50), READS times each.
import { callUnary, createGrpcClient, createLogger, EventBus, identityKey, signIdentity, uuidv7 } from "@crm/kit";
import { EventMeta, eventsV1, interactionsV1 } from "@crm/proto";
import mongoose from "mongoose";

const address = process.env.INTERACTIONS_ADDRESS ?? "127.0.0.1:50056";
const entries = Number(process.env.ENTRIES ?? 10_000);
const latencyEvents = Number(process.env.LATENCY_EVENTS ?? 2_000);
const reads = Number(process.env.READS ?? 200);
const deepPage = Number(process.env.DEEP_PAGE ?? 150);
const pageSize = 50;
const tenantId = `bench_${Date.now().toString(36)}`;
const identity = { subject: "bench", tenantId, roles: ["admin"], scopes: [] };
const key = identityKey(process.env.IDENTITY_SIGNING_KEY);
const client = createGrpcClient(interactionsV1.InteractionsServiceClient, address);
const bus = await EventBus.connect(process.env.NATS_URL, "interactions-bench", createLogger("bench", "silent"));
const db = await mongoose.createConnection(process.env.MONGODB_URL, { dbName: process.env.MONGODB_DATABASE }).asPromise();
const timeline = db.collection("timeline_entries");

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (value) => `${value.toFixed(1)} ms`;
const report = (name, value) => console.log(`${name}: ${value}`);
const DAY = 24 * 3600 * 1000;
const KINDS = ["call", "email", "meeting", "note", "message", "web_visit"];
const contactId = uuidv7();
const organizationId = uuidv7();

/** interaction.logged about `contact`, as the service publishes it; returns the publish and its entry's id. */
function interactionLogged(contact, i) {
  const [interactionId, eventId] = [uuidv7(), uuidv7()];
  const occurTime = new Date(Date.now() - (i % 700) * DAY - i * 1000);
  const payload = eventsV1.InteractionLogged.encode(
    eventsV1.InteractionLogged.fromPartial({
      meta: EventMeta.fromPartial({ eventId, tenantId, occurTime: new Date(), actor: "bench" }),
      interactionId, kind: KINDS[i % KINDS.length], contactIds: [contact], occurTime, summary: `Bench interaction ${i}`, version: 1,
    }),
  ).finish();
  return { entryId: interactionId, eventId, publish: { subject: "crm.interactions.interaction.logged", type: "crm.events.v1.InteractionLogged", payload } };
}

/** contact.created of one of the organisation's people, as the contacts service publishes it. */
function contactCreated(i) {
  const eventId = uuidv7();
  const payload = eventsV1.ContactCreated.encode(
    eventsV1.ContactCreated.fromPartial({
      meta: EventMeta.fromPartial({ eventId, tenantId, occurTime: new Date(Date.now() - i * 1000), actor: "bench" }),
      contactId: uuidv7(), displayName: `Person ${i}`, relationshipType: "customer", organizationIds: [organizationId],
    }),
  ).finish();
  return { entryId: eventId, eventId, publish: { subject: "crm.contacts.contact.created", type: "crm.events.v1.ContactCreated", payload } };
}

/** Publishes as the producers' relays do: the payload's event id is the Nats-Msg-Id. */
const send = ({ publish, eventId }) => bus.publish({ ...publish, tenantId, eventId });

/** Publishes events with a few in flight at once; returns each one's publish time. */
async function publishAll(events, inFlight = 64) {
  const publishedAt = new Map();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < events.length) {
        const event = events[next++];
        publishedAt.set(event.entryId, Date.now());
        await send(event);
      }
    }),
  );
  return publishedAt;
}

/** Waits until every entry is stored; returns their recordedAt times by id. */
async function stored(ids, timeoutMs = 30 * 60_000) {
  const deadline = Date.now() + timeoutMs;
  const recorded = new Map();
  let pending = ids;
  while (pending.length > 0) {
    if (Date.now() > deadline) throw new Error(`${pending.length} entries not stored in time`);
    for (let start = 0; start < pending.length; start += 1_000) {
      const found = await timeline.find({ tenantId, _id: { $in: pending.slice(start, start + 1_000) } }, { projection: { recordedAt: 1 } }).toArray();
      for (const entry of found) recorded.set(entry._id, entry.recordedAt.getTime());
    }
    pending = pending.filter((id) => !recorded.has(id));
    if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return recorded;
}

async function ingestPhase() {
  const events = [];
  for (let i = 0; i < entries; i++) {
    events.push(interactionLogged(contactId, i));
    if (i % 5 === 4) events.push(contactCreated(i));
  }
  const started = Date.now();
  const publishedAt = await publishAll(events);
  const publishSeconds = (Date.now() - started) / 1000;
  const recorded = await stored(events.map((e) => e.entryId));
  const last = Math.max(...recorded.values());
  const seconds = (last - started) / 1000;
  report("ingest events", `${events.length} (${entries} interaction.logged about one contact, ${events.length - entries} contact.created; published in ${publishSeconds.toFixed(1)} s)`);
  report("ingest rate (burst, stored by the timeline consumers)", `${(events.length / seconds).toFixed(0)} events/s (${seconds.toFixed(1)} s from the first publish to the last entry stored)`);
  const lags = events.map((e) => recorded.get(e.entryId) - publishedAt.get(e.entryId));
  report("ingest burst: publish-to-stored p50/p99 (queueing included)", `${ms(percentile(lags, 50))} / ${ms(percentile(lags, 99))}`);
  return events.length / seconds;
}

async function latencyPhase(rate) {
  const paced = Math.max(10, Math.floor(rate / 2));
  const events = Array.from({ length: latencyEvents }, (_, i) => (i % 5 === 4 ? contactCreated(i) : interactionLogged(uuidv7(), i)));
  const publishedAt = new Map();
  const started = Date.now();
  const inFlight = [];
  for (let i = 0; i < events.length; i++) {
    const due = started + (i * 1000) / paced;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    publishedAt.set(events[i].entryId, Date.now());
    inFlight.push(send(events[i]));
  }
  await Promise.all(inFlight);
  const recorded = await stored(events.map((e) => e.entryId));
  const latencies = events.map((e) => recorded.get(e.entryId) - publishedAt.get(e.entryId));
  report(`publish-to-timeline latency at ${paced} events/s (half the burst rate), ${events.length} events, p50/p99`, `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))}`);
}

const listTimeline = async (pageToken) =>
  callUnary(
    client.listTimeline.bind(client),
    interactionsV1.ListTimelineRequest.fromPartial({ record: { type: "contact", id: contactId }, page: { pageSize, pageToken } }),
    { identityToken: await signIdentity(identity, key), timeoutMs: 60_000, retry: false },
  );

async function timed(read) {
  const durations = [];
  for (let i = 0; i < reads; i++) {
    const started = performance.now();
    const response = await read();
    durations.push(performance.now() - started);
    if (response.entries.length !== pageSize) throw new Error(`a page of ${response.entries.length} entries`);
  }
  return `${ms(percentile(durations, 50))} / ${ms(percentile(durations, 99))}`;
}

async function readPhase() {
  const total = await timeline.countDocuments({ tenantId, refs: `contact:${contactId}` });
  let token = "";
  for (let page = 1; page < deepPage; page++) token = (await listTimeline(token)).pageInfo.endCursor;
  report(`timeline of one contact (${total} entries), first page of ${pageSize}, p50/p99 over ${reads} reads`, await timed(() => listTimeline("")));
  report(`same timeline, page ${deepPage} (entries ${(deepPage - 1) * pageSize + 1}-${deepPage * pageSize}) by its cursor, p50/p99`, await timed(() => listTimeline(token)));
}

try {
  const rate = await ingestPhase();
  await latencyPhase(rate);
  await readPhase();
} finally {
  client.close();
  await bus.close();
  await db.close();
}
