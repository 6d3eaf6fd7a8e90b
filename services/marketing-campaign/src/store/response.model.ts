import { outboxPlugin, registerModel, tenantScopePlugin, type OutboxEvent } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/**
 * A provider event recorded once: keyed by the tenant and the provider's event id, so that a
 * webhook delivered again records nothing twice. Carries campaign.response_recorded in its outbox.
 */
export interface ResponseDocument {
  _id: string;
  tenantId: string;
  messageId: string;
  campaignId: string;
  contactId: string;
  response: string;
  url: string;
  occurredAt: Date;
  recordedAt: Date;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const schema = new Schema<ResponseDocument>(
  {
    _id: { type: String, required: true },
    messageId: { type: String, required: true },
    campaignId: { type: String, required: true },
    contactId: { type: String, required: true },
    response: { type: String, required: true },
    url: { type: String, default: "" },
    occurredAt: { type: Date, required: true },
    recordedAt: { type: Date, required: true },
  },
  { collection: "responses", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.plugin(outboxPlugin);
schema.index({ tenantId: 1, contactId: 1 });

export type ResponseModel = Model<ResponseDocument>;
export const createResponseModel = (connection: Connection): Promise<ResponseModel> => registerModel(connection, "Response", schema);
