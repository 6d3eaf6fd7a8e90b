import { outboxPlugin, registerModel, tenantScopePlugin, type OutboxEvent } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { Feedback } from "../domain/feedback";

/**
 * A ticket's CSAT feedback: its id is `<tenant>|<ticket>`, so a ticket takes one (a second
 * submission, or a link used again, collides). The UTC day, ISO week and month it was given are
 * kept for averages per period.
 */
export interface FeedbackDocument extends Feedback {
  _id: string;
  day: string;
  week: string;
  month: string;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const schema = new Schema<FeedbackDocument>(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true },
    rating: { type: Number, required: true },
    comment: { type: String, default: "" },
    requesterId: { type: String, default: "" },
    assigneeId: { type: String, default: "" },
    team: { type: String, default: "" },
    submittedAt: { type: Date, required: true },
    via: { type: String, required: true },
    submittedBy: { type: String, required: true },
    day: { type: String, required: true },
    week: { type: String, required: true },
    month: { type: String, required: true },
  },
  { collection: "feedback", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.plugin(outboxPlugin);
schema.index({ tenantId: 1, submittedAt: 1 });
schema.index({ tenantId: 1, requesterId: 1 });

export type FeedbackModel = Model<FeedbackDocument>;

export const createFeedbackModel = (connection: Connection): Promise<FeedbackModel> => registerModel(connection, "Feedback", schema);
