import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { headers as natsHeaders, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import type { Logger } from "../logger";
import { kitMeter } from "../telemetry/metrics";
import { contextFromHeaders, currentTraceHeaders } from "../telemetry/propagation";
import { EventConsumer, type ConsumerOptions } from "./consumer";
import { DEAD_LETTER_STREAM, EVENT_HEADERS, messagingSpanAttributes } from "./streams";

export interface PublishRequest {
  subject: string;
  type: string;
  tenantId: string;
  /** Becomes Nats-Msg-Id: JetStream drops a second publish of the same id. */
  eventId: string;
  payload: Uint8Array;
  /** Trace context of the write that produced the event; the publish span is its child. */
  traceHeaders?: Record<string, string>;
}

const tracer = trace.getTracer("@crm/kit/bus");
const NANOS_PER_MS = 1_000_000;

/** The NATS JetStream connection of one process: streams, traced publishing, durable consumers. */
export class EventBus {
  private readonly consumers: EventConsumer[] = [];
  private readonly publishedCounter = kitMeter().createCounter("messaging.publish.messages", {
    description: "Events published to JetStream",
  });

  private constructor(
    readonly connection: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    private readonly log: Logger,
  ) {}

  static async connect(url: string, name: string, log: Logger): Promise<EventBus> {
    const connection = await connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 1_000 });
    const bus = new EventBus(connection, jetstream(connection), await jetstreamManager(connection), log);
    await bus.ensureStream(DEAD_LETTER_STREAM.name, DEAD_LETTER_STREAM.subjects);
    return bus;
  }

  /** Creates the stream, or updates its subjects; safe to call from every replica at start. */
  async ensureStream(name: string, subjects: string[]): Promise<void> {
    const config = { name, subjects, duplicate_window: 10 * 60 * 1_000 * NANOS_PER_MS };
    try {
      await this.jsm.streams.info(name);
      await this.jsm.streams.update(name, config);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await this.jsm.streams.add(config).catch(async (addError: unknown) => {
        // Another replica created it between our lookup and our add.
        if (!String(addError).includes("already in use")) throw addError;
      });
    }
  }

  async publish(request: PublishRequest): Promise<void> {
    const parent = request.traceHeaders ? contextFromHeaders(request.traceHeaders) : context.active();
    const span = tracer.startSpan(
      `${request.subject} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: messagingSpanAttributes("publish", request.subject, request.eventId, request.tenantId),
      },
      parent,
    );
    const headers = natsHeaders();
    headers.set(EVENT_HEADERS.tenant, request.tenantId);
    headers.set(EVENT_HEADERS.type, request.type);
    for (const [key, value] of Object.entries(currentTraceHeaders(trace.setSpan(parent, span)))) headers.set(key, value);
    try {
      const ack = await this.js.publish(request.subject, request.payload, { msgID: request.eventId, headers, timeout: 5_000 });
      span.setAttribute("messaging.nats.duplicate", ack.duplicate);
      this.publishedCounter.add(1, { subject: request.subject });
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  }

  /** Starts a durable consumer; it runs until stop() or close(). */
  async consume(options: Omit<ConsumerOptions, "js" | "jsm" | "log">): Promise<EventConsumer> {
    const consumer = await EventConsumer.start({ ...options, js: this.js, jsm: this.jsm, log: this.log });
    this.consumers.push(consumer);
    return consumer;
  }

  async ping(): Promise<void> {
    if (this.connection.isClosed()) throw new Error("NATS connection is closed");
    await this.connection.flush();
  }

  /** Stops consumers after their current message, then drains the connection. */
  async close(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    if (!this.connection.isClosed()) await this.connection.drain();
  }
}

function isNotFound(error: unknown): boolean {
  return String(error).toLowerCase().includes("not found");
}
