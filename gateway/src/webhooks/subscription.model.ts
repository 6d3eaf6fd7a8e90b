import { registerModel, tenantScopePlugin } from "@crm/kit/edge-store";
import { Schema, type Connection, type Model } from "mongoose";

/** An API consumer's endpoint and the events it wants. */
export interface SubscriptionDocument {
  _id: string;
  tenantId: string;
  url: string;
  /** Event types or patterns: `contacts.contact.created`, `contacts.contact.*`, `contacts.*`, `*`. */
  eventTypes: string[];
  /** A filter on the event's data, in the list routes' language (`relationshipType[eq]:customer`); empty: every event. */
  filter: string;
  description: string;
  /** The signing secret (`whsec_…`), kept to sign each delivery (Standard Webhooks); shown to the client once. */
  secret: string;
  enabled: boolean;
  /** Why the gateway disabled it (failures), until it is enabled again. */
  disabledReason: string;
  /** Failed attempts in a row; a success resets it, a threshold disables the endpoint. */
  consecutiveFailures: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const schema = new Schema<SubscriptionDocument>(
  {
    _id: { type: String, required: true },
    url: { type: String, required: true },
    eventTypes: { type: [String], required: true },
    filter: { type: String, default: "" },
    description: { type: String, default: "" },
    secret: { type: String, required: true },
    enabled: { type: Boolean, required: true },
    disabledReason: { type: String, default: "" },
    consecutiveFailures: { type: Number, default: 0 },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: "webhook_subscriptions", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
// Each event reads its tenant's enabled subscriptions; the API lists them newest first.
schema.index({ tenantId: 1, enabled: 1 });
schema.index({ tenantId: 1, createdAt: -1, _id: -1 });

export type SubscriptionModel = Model<SubscriptionDocument>;

export function createSubscriptionModel(connection: Connection): Promise<SubscriptionModel> {
  return registerModel(connection, "WebhookSubscription", schema);
}
