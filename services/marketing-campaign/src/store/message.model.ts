import { outboxPlugin, registerModel, tenantScopePlugin, type OutboxEvent } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { Channel } from "../domain/campaign";
import type { ResponseName } from "../domain/response";

/** One response recorded on a message (the first of each kind sets its flag too). */
export interface MessageResponseEntry {
  response: ResponseName;
  url: string;
  at: Date;
}

/**
 * A message that was sent: inserted when the provider confirmed it, with campaign.message_sent in
 * its outbox (the confirmation and its event in one write). Its responses, and when each kind was
 * first seen, for metrics, segments ("responded to"), influence and the contact's history.
 */
export interface MessageDocument {
  _id: string;
  tenantId: string;
  campaignId: string;
  campaignName: string;
  purposeId: string;
  variant: string;
  channel: Channel;
  contactId: string;
  address: string;
  sentAt: Date;
  providerMessageId: string;
  deliveredAt?: Date;
  openedAt?: Date;
  clickedAt?: Date;
  bouncedAt?: Date;
  complainedAt?: Date;
  unsubscribedAt?: Date;
  /** The first open or click. */
  respondedAt?: Date;
  responses: MessageResponseEntry[];
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const response = new Schema({ response: String, url: String, at: Date }, { _id: false });

const schema = new Schema<MessageDocument>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    campaignName: { type: String, required: true },
    purposeId: { type: String, required: true },
    variant: { type: String, required: true },
    channel: { type: String, required: true },
    contactId: { type: String, required: true },
    address: { type: String, default: "" },
    sentAt: { type: Date, required: true },
    providerMessageId: { type: String, default: "" },
    deliveredAt: Date,
    openedAt: Date,
    clickedAt: Date,
    bouncedAt: Date,
    complainedAt: Date,
    unsubscribedAt: Date,
    respondedAt: Date,
    responses: { type: [response], default: [] },
  },
  { collection: "messages", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);
schema.plugin(outboxPlugin);

// A contact's history, newest first, with the cursor's tie-breaker.
schema.index({ tenantId: 1, contactId: 1, sentAt: -1, _id: -1 });
// A campaign's messages (metrics).
schema.index({ tenantId: 1, campaignId: 1, _id: 1 });

export type MessageModel = Model<MessageDocument>;
export const createMessageModel = (connection: Connection): Promise<MessageModel> => registerModel(connection, "Message", schema);
