import { testInfra, uniqueName } from "@crm/testing";
import type { Redis } from "ioredis";
import { connectRedis, createLogger, EventBus, RedisIdempotencyStore, type ReceivedEvent } from "../src";

// Against the real NATS JetStream and Redis started by scripts/test.sh.
const log = createLogger("bus-test", "silent");
let bus: EventBus;
let redis: Redis;
let stream: { name: string; subject: string };

beforeAll(async () => {
  const infra = testInfra();
  bus = await EventBus.connect(infra.natsUrl, "bus-test", log);
  redis = connectRedis(infra.redisUrl, uniqueName("bus"));
  const name = uniqueName("TEST");
  stream = { name, subject: `${name.toLowerCase()}.thing.happened` };
  await bus.ensureStream(name, [`${name.toLowerCase()}.>`]);
});

afterAll(async () => {
  await bus.jsm.streams.delete(stream.name);
  await bus.close();
  redis.disconnect();
});

const publish = (eventId: string, text: string) =>
  bus.publish({ subject: stream.subject, type: "test.Thing", tenantId: "t1", eventId, payload: new TextEncoder().encode(text) });

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("EventBus", () => {
  it("stores a re-published event id once (Nats-Msg-Id de-duplication)", async () => {
    await publish("dup-1", "first");
    await publish("dup-1", "again");
    const info = await bus.jsm.streams.info(stream.name);
    expect(info.state.messages).toBe(1);
  });

  it("delivers to a durable consumer with tenant, type and id, and does not handle an event twice", async () => {
    const seen: ReceivedEvent[] = [];
    const durable = uniqueName("durable");
    const idempotency = new RedisIdempotencyStore(redis);
    // The consumer has already finished e-2 once: a redelivery of it must change nothing.
    await idempotency.markDone(durable, "e-2");
    await publish("e-1", "one");
    await publish("e-2", "two");
    const consumer = await bus.consume({
      stream: stream.name,
      durable,
      filterSubjects: [stream.subject],
      idempotency,
      handler: async (event) => void seen.push(event),
    });
    await until(() => seen.some((e) => e.eventId === "e-1"));
    await consumer.stop();
    expect(seen.map((e) => e.eventId)).toEqual(["dup-1", "e-1"]);
    expect(seen[1]).toMatchObject({ tenantId: "t1", type: "test.Thing", subject: stream.subject });
    expect(new TextDecoder().decode(seen[1]!.payload)).toBe("one");
    await expect(idempotency.isDone(durable, "e-1")).resolves.toBe(true);
  });

  it("retries a failing event with backoff, then parks it in the dead-letter stream", async () => {
    const durable = uniqueName("poison");
    let attempts = 0;
    const consumer = await bus.consume({
      stream: stream.name,
      durable,
      filterSubjects: [stream.subject],
      idempotency: new RedisIdempotencyStore(redis),
      maxAttempts: 3,
      backoffMs: [50],
      handler: async (event) => {
        if (event.eventId === "poison-1") {
          attempts++;
          throw new Error("cannot handle this one");
        }
      },
    });
    await publish("poison-1", "bad");
    const parked = `crm.dead_letter.${durable}`;
    await until(async () => {
      const info = await bus.jsm.streams.info("CRM_DEAD_LETTER", { subjects_filter: parked });
      return (info.state.subjects?.[parked] ?? 0) === 1;
    });
    await consumer.stop();
    expect(attempts).toBe(3);
    const message = await bus.jsm.streams.getMessage("CRM_DEAD_LETTER", { last_by_subj: parked });
    expect(message?.header.get("Crm-Original-Subject")).toBe(stream.subject);
    expect(message?.header.get("Crm-Error")).toBe("cannot handle this one");
  });

  it("hands the events already waiting to a batch handler together; a failed batch is handled one event at a time, so only the poison one is parked", async () => {
    const durable = uniqueName("batch");
    const ids = Array.from({ length: 30 }, (_, i) => `${durable}-${i}`);
    const poison = ids[7]!;
    for (const id of ids) await publish(id, id);
    const batches: string[][] = [];
    const handled: string[] = [];
    const batchHandler = async (events: ReceivedEvent[]) => {
      batches.push(events.map((e) => e.eventId));
      if (events.some((e) => e.eventId === poison)) throw new Error("cannot handle this one");
      handled.push(...events.map((e) => e.eventId));
    };
    const consumer = await bus.consume({
      stream: stream.name,
      durable,
      filterSubjects: [stream.subject],
      idempotency: new RedisIdempotencyStore(redis),
      maxAttempts: 2,
      backoffMs: [50],
      batchHandler,
      handler: (event) => batchHandler([event]),
    });
    const parked = `crm.dead_letter.${durable}`;
    await until(async () => {
      const info = await bus.jsm.streams.info("CRM_DEAD_LETTER", { subjects_filter: parked });
      return (info.state.subjects?.[parked] ?? 0) === 1 && ids.every((id) => id === poison || handled.includes(id));
    });
    await consumer.stop();
    expect(batches.some((batch) => batch.length > 1)).toBe(true);
    expect(batches.every((batch) => batch.length <= 64)).toBe(true);
    expect(handled.filter((id) => ids.includes(id)).sort()).toEqual(ids.filter((id) => id !== poison).sort());
  });

  it("starts a new durable at a given time: a replay from then", async () => {
    await publish(uniqueName("before"), "before");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const from = new Date();
    const after = uniqueName("after");
    await publish(after, "after");
    const seen: string[] = [];
    const consumer = await bus.consume({
      stream: stream.name,
      durable: uniqueName("replay"),
      filterSubjects: [stream.subject],
      idempotency: new RedisIdempotencyStore(redis),
      startAt: from,
      handler: async (event) => void seen.push(event.eventId),
    });
    await until(() => seen.includes(after));
    await consumer.stop();
    expect(seen).toEqual([after]);
  });
});
