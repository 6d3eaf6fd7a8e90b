import { registerModel, tenantScopePlugin } from "@crm/kit/edge-store";
import { Schema, type Connection, type Model } from "mongoose";

export type DeliveryStatus = "pending" | "delivering" | "succeeded" | "failed";

/** One try at sending a delivery, for the log. */
export interface DeliveryAttempt {
  at: Date;
  /** The endpoint's HTTP status; 0 when there was none (refused, timed out, blocked). */
  status: number;
  error: string;
  durationMs: number;
}

/** One event for one subscription: what is sent, its state, and every attempt. */
export interface DeliveryDocument {
  _id: string;
  tenantId: string;
  subscriptionId: string;
  /** The event's id: `webhook-id` is `msg_<eventId>`, the same on every attempt and replay (receivers de-duplicate by it). */
  eventId: string;
  eventType: string;
  /** The JSON body sent. */
  payload: string;
  status: DeliveryStatus;
  /** Attempts since the delivery was created or last replayed. */
  attemptCount: number;
  attempts: DeliveryAttempt[];
  nextAttemptAt: Date;
  /** While delivering: when another replica may take it over (this one died). */
  leaseUntil?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const attempt = new Schema<DeliveryAttempt>({ at: Date, status: Number, error: String, durationMs: Number }, { _id: false });
const schema = new Schema<DeliveryDocument>(
  {
    _id: { type: String, required: true },
    subscriptionId: { type: String, required: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    payload: { type: String, required: true },
    status: { type: String, required: true },
    attemptCount: { type: Number, default: 0 },
    attempts: { type: [attempt], default: [] },
    nextAttemptAt: { type: Date, required: true },
    leaseUntil: Date,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: "webhook_deliveries", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
// An event is delivered once per subscription, however often it is consumed.
schema.index({ subscriptionId: 1, eventId: 1 }, { unique: true });
// The dispatcher's claim: due deliveries, oldest first, across tenants.
schema.index({ status: 1, nextAttemptAt: 1 });
// The delivery log of one subscription, newest first.
schema.index({ tenantId: 1, subscriptionId: 1, createdAt: -1, _id: -1 });

export type DeliveryModel = Model<DeliveryDocument>;

export function createDeliveryModel(connection: Connection): Promise<DeliveryModel> {
  return registerModel(connection, "WebhookDelivery", schema);
}
