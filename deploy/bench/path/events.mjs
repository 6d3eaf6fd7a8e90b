// Event latency of the request-path benchmark: publishes RATE events a second for SECONDS through
// the kit's EventBus (traced publish, Nats-Msg-Id, JetStream ack) to a durable consumer of the
// kit's own (idempotency in Redis, explicit ack), and prints publish->consume p50/p99 as JSON.
// Run it as services run: node --require @crm/kit/telemetry events.mjs
import { connectRedis, createLogger, EventBus, RedisIdempotencyStore, uuidv7 } from "@crm/kit";

const { NATS_URL, REDIS_URL, RATE = "500", SECONDS = "10" } = process.env;
const rate = Number(RATE);
const total = rate * Number(SECONDS);
const run = Date.now().toString(36);
const stream = "CRM_BENCH";
const subject = "crm.bench.path.probe";
const durable = `bench-path-${run}`;

const log = createLogger("bench-events", "warn");
const bus = await EventBus.connect(NATS_URL, "bench-events", log);
await bus.ensureStream(stream, ["crm.bench.>"]);
const redis = connectRedis(REDIS_URL, `bench-events-${run}`);
const sentAt = new Map();
const latencies = [];
let failed = 0;
let allConsumed;
const consumed = new Promise((resolve) => (allConsumed = resolve));
const consumer = await bus.consume({
  stream,
  durable,
  filterSubjects: [subject],
  startAt: "new",
  idempotency: new RedisIdempotencyStore(redis, 600),
  handler: async (event) => {
    const started = sentAt.get(event.eventId);
    if (started === undefined) return;
    latencies.push(performance.now() - started);
    if (latencies.length + failed >= total) allConsumed();
  },
});

// Paced, not bursty: every event leaves at its own due time (within the timer's millisecond).
const payload = new Uint8Array(200);
const publishes = [];
const start = performance.now();
for (let i = 0; i < total; ) {
  const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
  for (; i < due; i++) {
    const eventId = uuidv7();
    sentAt.set(eventId, performance.now());
    publishes.push(bus.publish({ subject, type: "bench.probe", tenantId: "bench", eventId, payload }).catch(() => void failed++));
  }
  await new Promise((resolve) => setTimeout(resolve, 1));
}
const publishSeconds = (performance.now() - start) / 1000;
await Promise.all(publishes);
await Promise.race([consumed, new Promise((resolve) => setTimeout(resolve, 15_000))]);

await consumer.stop();
await bus.jsm.consumers.delete(stream, durable).catch(() => undefined);
await bus.close();
redis.disconnect();
const sorted = latencies.sort((a, b) => a - b);
const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
console.log(JSON.stringify({ rate: total / publishSeconds, sent: total, consumed: sorted.length, failed, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) }));
process.exit(0);
