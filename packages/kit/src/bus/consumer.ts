import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/nats-core";
import type { Logger } from "../logger";
import { kitMeter } from "../telemetry/metrics";
import { contextFromHeaders } from "../telemetry/propagation";
import type { RedisIdempotencyStore } from "./idempotency";
import { deadLetterSubject, EVENT_HEADERS, messagingSpanAttributes } from "./streams";

export interface ReceivedEvent {
  subject: string;
  type: string;
  tenantId: string;
  eventId: string;
  payload: Uint8Array;
  deliveryCount: number;
}

export interface ConsumerOptions {
  /** The JetStream connection of the process (EventBus holds it): consumers and dead letters. */
  js: JetStreamClient;
  jsm: JetStreamManager;
  log: Logger;
  stream: string;
  /** Durable name, `<service>-<purpose>` (e.g. `interactions-timeline`; NATS forbids dots). */
  durable: string;
  filterSubjects: string[];
  handler: (event: ReceivedEvent) => Promise<void>;
  /**
   * Handles the messages already waiting together (up to `maxBatch`), e.g. in one bulk write,
   * instead of one at a time: an event burst costs a few writes, not one per event. When a
   * batch fails, its events are handled one by one with `handler`, so that only a poison
   * message is retried and parked.
   */
  batchHandler?: (events: ReceivedEvent[]) => Promise<void>;
  maxBatch?: number;
  idempotency: RedisIdempotencyStore;
  /** Attempts before the message is parked in the dead-letter stream. */
  maxAttempts?: number;
  /**
   * Where a new durable starts: the whole stream (default), only events published from now on,
   * or events published from a time on (a replay). An existing durable continues where it was.
   */
  startAt?: ConsumerStart;
  /** Delay before each retry; the last value repeats. */
  backoffMs?: number[];
}

export type ConsumerStart = "all" | "new" | Date;

/** Resolves after what is already queued has run: a message received before then is "waiting". */
const nextTurn = () => new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)));

const tracer = trace.getTracer("@crm/kit/bus");
const DEFAULT_MAX_BATCH = 64;

function deliverPolicy(startAt: ConsumerStart) {
  if (startAt instanceof Date) return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: startAt.toISOString() };
  return { deliver_policy: startAt === "new" ? DeliverPolicy.New : DeliverPolicy.All };
}

/**
 * A durable pull consumer: explicit ack after the handler succeeded, nothing done twice for a
 * redelivered event, retries with backoff, and a dead-letter stream for poison messages.
 * Messages are handled one at a time, in stream order, or in batches of those already waiting.
 */
export class EventConsumer {
  private loop: Promise<void> = Promise.resolve();
  private messages: ConsumerMessages | undefined;
  private lag = 0;
  private readonly processed = kitMeter().createCounter("messaging.process.messages", {
    description: "Events handled by consumers, by outcome",
  });

  private constructor(private readonly options: ConsumerOptions) {
    kitMeter()
      .createObservableGauge("messaging.consumer.lag", { description: "Messages waiting for this consumer" })
      .addCallback((result) => result.observe(this.lag, { consumer: options.durable }));
  }

  static async start(options: ConsumerOptions): Promise<EventConsumer> {
    const consumer = new EventConsumer(options);
    await consumer.open();
    return consumer;
  }

  private async open(): Promise<void> {
    const { js, jsm, stream, durable, filterSubjects, startAt = "all" } = this.options;
    await jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      ...deliverPolicy(startAt),
      filter_subjects: filterSubjects,
      ack_wait: 30_000_000_000,
      max_deliver: -1,
    });
    const consumer = await js.consumers.get(stream, durable);
    this.messages = await consumer.consume({ max_messages: 64 });
    const messages = this.messages;
    this.loop = (this.options.batchHandler ? this.batches(messages) : this.oneByOne(messages)).catch((error: unknown) =>
      this.options.log.error({ err: error, durable }, "consumer loop ended"),
    );
  }

  private async oneByOne(messages: ConsumerMessages): Promise<void> {
    for await (const message of messages) await this.handle(message);
  }

  /**
   * Takes a message, then every one already received (without waiting for more), and handles them
   * together. A message is "already received" when the iterator yields it before the next turn of
   * the event loop; the read still pending then is kept for the next batch.
   */
  private async batches(messages: ConsumerMessages): Promise<void> {
    const iterator = messages[Symbol.asyncIterator]();
    const max = this.options.maxBatch ?? DEFAULT_MAX_BATCH;
    let pending: Promise<IteratorResult<JsMsg>> | undefined;
    for (;;) {
      const first = await (pending ?? iterator.next());
      pending = undefined;
      if (first.done) return;
      const batch = [first.value];
      let ended = false;
      while (batch.length < max) {
        pending = iterator.next();
        const more = await Promise.race([pending, nextTurn()]);
        if (!more) break;
        pending = undefined;
        if (more.done) {
          ended = true;
          break;
        }
        batch.push(more.value);
      }
      await this.handleBatch(batch);
      if (ended) return;
    }
  }

  /** Stops fetching and waits for the message in hand. */
  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop;
  }

  /**
   * Handles the events of a batch that are not done yet in one call, then acknowledges them all;
   * each keeps its own process span, a child of its producer's. A failed batch is handled again
   * one event at a time.
   */
  private async handleBatch(messages: JsMsg[]): Promise<void> {
    if (messages.length === 1) return this.handle(messages[0]!);
    const { durable, batchHandler, idempotency } = this.options;
    const received = messages.map((message) => ({ message, ...this.begin(message) }));
    let done = new Set<string>();
    try {
      done = await idempotency.doneAmong(durable, received.map(({ event }) => event.eventId));
      const fresh = received.filter(({ event }) => !done.has(event.eventId));
      if (fresh.length > 0) await context.with(trace.setSpan(context.active(), fresh[0]!.span), () => batchHandler!(fresh.map(({ event }) => event)));
      await idempotency.markAllDone(durable, fresh.map(({ event }) => event.eventId).filter(Boolean));
    } catch (error) {
      this.options.log.warn({ err: error, durable, events: messages.length }, "event batch failed; handling its events one by one");
      received.forEach(({ span }) => span.end());
      for (const message of messages) await this.handle(message);
      return;
    }
    for (const { message, event, span } of received) {
      const duplicate = done.has(event.eventId);
      span.setAttributes({ "messaging.batch.message_count": messages.length, ...(duplicate ? { "crm.duplicate": true } : {}) });
      message.ack();
      this.processed.add(1, { consumer: durable, outcome: duplicate ? "duplicate" : "ok" });
      span.end();
    }
  }

  /** The event a message carries, and its process span (a child of the producer's), started. */
  private begin(message: JsMsg) {
    const headerValue = (name: string) => message.headers?.get(name) ?? "";
    const event: ReceivedEvent = {
      subject: message.subject,
      type: headerValue(EVENT_HEADERS.type),
      tenantId: headerValue(EVENT_HEADERS.tenant),
      eventId: headerValue("Nats-Msg-Id"),
      payload: message.data,
      deliveryCount: message.info.deliveryCount,
    };
    this.lag = message.info.pending;
    const parent = contextFromHeaders({ traceparent: headerValue("traceparent"), tracestate: headerValue("tracestate") });
    const span = tracer.startSpan(
      `${message.subject} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          ...messagingSpanAttributes("process", message.subject, event.eventId, event.tenantId),
          "messaging.consumer.group.name": this.options.durable,
        },
      },
      parent,
    );
    return { event, span, parent };
  }

  private async handle(message: JsMsg): Promise<void> {
    const { durable, handler, idempotency } = this.options;
    const { event, span, parent } = this.begin(message);
    await context.with(trace.setSpan(parent, span), async () => {
      try {
        if (event.eventId && (await idempotency.isDone(durable, event.eventId))) {
          span.setAttribute("crm.duplicate", true);
          message.ack();
          this.processed.add(1, { consumer: durable, outcome: "duplicate" });
          return;
        }
        await handler(event);
        if (event.eventId) await idempotency.markDone(durable, event.eventId);
        message.ack();
        this.processed.add(1, { consumer: durable, outcome: "ok" });
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        await this.retryOrPark(message, event, error);
      } finally {
        span.end();
      }
    });
  }

  private async retryOrPark(message: JsMsg, event: ReceivedEvent, error: unknown): Promise<void> {
    const { durable, log, js, maxAttempts = 5, backoffMs = [500, 2_000, 10_000, 30_000] } = this.options;
    if (event.deliveryCount < maxAttempts) {
      const delay = backoffMs[Math.min(event.deliveryCount - 1, backoffMs.length - 1)] ?? 1_000;
      log.warn({ err: error, durable, eventId: event.eventId, attempt: event.deliveryCount, delay }, "event failed; will retry");
      message.nak(delay);
      this.processed.add(1, { consumer: durable, outcome: "retry" });
      return;
    }
    const headers = natsHeaders();
    for (const key of message.headers?.keys() ?? []) {
      if (key === "Nats-Msg-Id") continue;
      for (const value of message.headers?.values(key) ?? []) headers.append(key, value);
    }
    headers.set(EVENT_HEADERS.originalSubject, message.subject);
    headers.set(EVENT_HEADERS.error, String((error as Error)?.message ?? error).slice(0, 500));
    // The dead-letter copy keeps the event id, so parking it twice stores it once.
    await js.publish(deadLetterSubject(durable), message.data, { headers, msgID: `${durable}:${event.eventId}` });
    log.error({ err: error, durable, eventId: event.eventId }, "event parked in the dead-letter stream");
    message.term("parked in the dead-letter stream");
    this.processed.add(1, { consumer: durable, outcome: "dead_letter" });
  }
}
