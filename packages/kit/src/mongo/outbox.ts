import type { EventMeta } from "@crm/proto";
import { Schema } from "mongoose";
import { uuidv7 } from "../ids";
import { currentTraceHeaders } from "../telemetry/propagation";

/** An event waiting, inside the document whose change produced it, to be published. */
export interface OutboxEvent {
  id: string;
  subject: string;
  type: string;
  tenantId: string;
  payload: Buffer;
  /** traceparent/tracestate of the write, so consumers continue the producer's trace. */
  traceHeaders: Record<string, string>;
  createdAt: Date;
}

const outboxEventSchema = new Schema<OutboxEvent>(
  {
    id: { type: String, required: true },
    subject: { type: String, required: true },
    type: { type: String, required: true },
    tenantId: { type: String, required: true },
    payload: { type: Buffer, required: true },
    traceHeaders: { type: Map, of: String, default: {} },
    createdAt: { type: Date, required: true },
  },
  { _id: false },
);

/**
 * Adds the outbox to a schema. A state change and its events are written in one document
 * update, which is atomic on MongoDB and FerretDB alike without multi-document transactions;
 * the relay publishes and removes them. `outboxSince` marks documents with pending events.
 */
export function outboxPlugin(schema: Schema): void {
  schema.add({ outbox: { type: [outboxEventSchema], default: [] }, outboxSince: { type: Date } });
  schema.index({ outboxSince: 1 }, { sparse: true });
}

export interface NewEvent {
  /** Given when the payload must carry the event id; generated otherwise. */
  id?: string;
  subject: string;
  type: string;
  tenantId: string;
  payload: Uint8Array;
}

/** Builds an outbox entry for the current trace; `id` becomes the Nats-Msg-Id. */
export function outboxEvent(event: NewEvent, now = new Date()): OutboxEvent {
  return {
    ...event,
    id: event.id ?? uuidv7(now.getTime()),
    payload: Buffer.from(event.payload),
    traceHeaders: currentTraceHeaders(),
    createdAt: now,
  };
}

/** What an event is: its subject (`crm.<service>.<entity>.<event>`) and its payload's message type. */
export interface EventKind {
  subject: string;
  type: string;
}

/** A generated message type (ts-proto) that encodes T. */
export interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
}

/**
 * Builds an outbox entry whose payload carries its own EventMeta: the event id (also its
 * Nats-Msg-Id), the tenant, when it happened and who caused it.
 */
export function outboxEventWithMeta<T>(
  kind: EventKind,
  tenantId: string,
  actor: string,
  at: Date,
  build: (meta: EventMeta) => T,
  codec: MessageCodec<T>,
): OutboxEvent {
  const id = uuidv7(at.getTime());
  const payload = codec.encode(build({ eventId: id, tenantId, occurTime: at, actor })).finish();
  return outboxEvent({ id, ...kind, tenantId, payload }, at);
}

/** The update that appends events to a document's outbox, for use beside the state change. */
export function appendToOutbox(events: OutboxEvent[], now = new Date()) {
  return { $push: { outbox: { $each: events } }, $set: { outboxSince: now } };
}
