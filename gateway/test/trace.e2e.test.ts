import { SpanKind } from "@opentelemetry/api";
import { connectRedis, createLogger, EventBus, RedisIdempotencyStore } from "@crm/kit";
import { signTestToken, startPlatform, testInfra, TraceCapture, uniqueName, type CapturedSpan, type RunningPlatform } from "@crm/testing";

// One HTTP request, one trace: gateway HTTP -> gRPC client -> gRPC server -> MongoDB -> NATS publish -> consumer.
let capture: TraceCapture;
let platform: RunningPlatform;
let bus: EventBus;
const durable = uniqueName("trace_test");

beforeAll(async () => {
  capture = await TraceCapture.start();
  platform = await startPlatform({ otlpEndpoint: capture.endpoint });
  bus = await EventBus.connect(testInfra().natsUrl, "trace-test", createLogger("trace-test", "silent"));
}, 60_000);

afterAll(async () => {
  await bus?.jsm.consumers.delete("CRM_CONTACTS", durable).catch(() => undefined);
  await bus?.close();
  await platform?.stop();
  await capture?.stop();
});

it("follows one create from the HTTP request to the event consumer in a single trace", async () => {
  const tenant = uniqueName("traced");
  const redis = connectRedis(testInfra().redisUrl, uniqueName("trace"));
  // A consumer of contact.created in this process, as a second service would run it.
  await bus.consume({
    stream: "CRM_CONTACTS",
    durable,
    filterSubjects: ["crm.contacts.contact.created"],
    startAt: "new",
    idempotency: new RedisIdempotencyStore(redis),
    handler: async () => undefined,
  });
  const response = await fetch(`${platform.gatewayUrl}/v1/contacts`, {
    method: "POST",
    headers: { authorization: `Bearer ${await signTestToken({ tenant })}`, "content-type": "application/json" },
    body: JSON.stringify({ givenName: "Traced", familyName: "Person" }),
  });
  expect(response.status).toBe(201);

  const isConsumer = (s: CapturedSpan) => s.kind === SpanKind.CONSUMER && s.attributes["crm.tenant"] === tenant;
  const consumer = (await capture.waitFor((spans) => spans.some(isConsumer))).find(isConsumer);
  expect(consumer).toBeDefined();
  const hops = (spans: CapturedSpan[]) => {
    const trace = spans.filter((s) => s.traceId === consumer!.traceId);
    const find = (predicate: (s: CapturedSpan) => boolean) => trace.find(predicate);
    return {
      http: find((s) => s.service === "gateway" && s.kind === SpanKind.SERVER && s.name.startsWith("POST")),
      grpcClient: find((s) => s.service === "gateway" && s.kind === SpanKind.CLIENT && s.name.endsWith("/CreateContact")),
      grpcServer: find((s) => s.service === "contacts" && s.kind === SpanKind.SERVER && s.name.endsWith("/CreateContact")),
      mongo: find((s) => s.service === "contacts" && s.kind === SpanKind.CLIENT && s.name === "insert contacts"),
      publish: find((s) => s.service === "contacts" && s.kind === SpanKind.PRODUCER && s.name === "crm.contacts.contact.created publish"),
    };
  };
  // Each process exports in its own batches: wait until every hop has arrived.
  const { http, grpcClient, grpcServer, mongo, publish } = hops(
    await capture.waitFor((spans) => Object.values(hops(spans)).every(Boolean)),
  );

  expect({ http, grpcClient, grpcServer, mongo, publish }).toEqual({
    http: expect.anything(),
    grpcClient: expect.anything(),
    grpcServer: expect.anything(),
    mongo: expect.anything(),
    publish: expect.anything(),
  });
  // Causality, not just co-occurrence: each hop is the child of the one before.
  expect(grpcClient!.traceId).toBe(http!.traceId);
  expect(grpcServer!.parentSpanId).toBe(grpcClient!.spanId);
  expect(mongo!.traceId).toBe(grpcServer!.traceId);
  expect(consumer!.parentSpanId).toBe(publish!.spanId);
  redis.disconnect();
}, 30_000);
