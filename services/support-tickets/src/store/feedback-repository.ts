import { ConflictError, isDuplicateKey, type ModelOutbox, NotFoundError } from "@crm/kit";
import { DateTime } from "luxon";
import type { Feedback } from "../domain/feedback";
import { feedbackReceived } from "../events/ticket-events";
import type { FeedbackDocument, FeedbackModel } from "./feedback.model";

const feedbackId = (tenantId: string, ticketId: string) => `${tenantId}|${ticketId}`;

export interface CsatGroup {
  key: string;
  count: number;
  average: number;
}

/** CSAT feedback: once per ticket, with its feedback.received event in the same insert. */
export class FeedbackRepository {
  constructor(
    readonly model: FeedbackModel,
    private readonly outbox: ModelOutbox,
  ) {}

  /** Stores the ticket's feedback; ALREADY_EXISTS when it has one (a link used twice, a second rating). */
  async submit(feedback: Feedback): Promise<Feedback> {
    const at = DateTime.fromJSDate(feedback.submittedAt, { zone: "UTC" });
    const event = feedbackReceived(feedback);
    const document = { ...feedback, _id: feedbackId(feedback.tenantId, feedback.ticketId), day: at.toISODate()!, week: at.startOf("week").toISODate()!, month: at.startOf("month").toISODate()!, outbox: [event], outboxSince: feedback.submittedAt };
    try {
      await this.model.create(document);
    } catch (error) {
      if (isDuplicateKey(error)) throw new ConflictError(`ticket ${feedback.ticketId} already has its feedback: it is taken once`);
      throw error;
    }
    this.outbox.inserted([{ id: document._id, events: [event], since: feedback.submittedAt }]);
    return feedback;
  }

  async get(tenantId: string, ticketId: string): Promise<Feedback> {
    const document = await this.model.findOne({ _id: feedbackId(tenantId, ticketId), tenantId }, { outbox: 0 }).lean<FeedbackDocument>();
    if (!document) throw new NotFoundError(`ticket ${ticketId} has no feedback`);
    return toFeedback(document);
  }

  /** Averages over feedback given in [from, to): overall, and grouped by agent, team or period. */
  async averages(tenantId: string, from: Date, to: Date, by: "all" | "assigneeId" | "team" | "day" | "week" | "month"): Promise<CsatGroup[]> {
    const groups = await this.model.aggregate<{ _id: string | null; count: number; total: number }>([
      { $match: { tenantId, submittedAt: { $gte: from, $lt: to } } },
      { $group: { _id: by === "all" ? null : `$${by}`, count: { $sum: 1 }, total: { $sum: "$rating" } } },
      { $sort: { _id: 1 } },
    ]);
    return groups.map(({ _id, count, total }) => ({ key: _id ?? "", count, average: count > 0 ? Math.round((total / count) * 100) / 100 : 0 }));
  }

  /** A requester's feedback (erasure, access export). */
  async ofRequesters(tenantId: string, contactIds: string[]): Promise<Feedback[]> {
    if (contactIds.length === 0) return [];
    return (await this.model.find({ tenantId, requesterId: { $in: contactIds } }, { outbox: 0 }).lean<FeedbackDocument[]>()).map(toFeedback);
  }

  /** Feedback of these tickets loses its requester and comment (erasure); the rating stays for averages. */
  async anonymise(tenantId: string, ticketIds: string[]): Promise<number> {
    if (ticketIds.length === 0) return 0;
    const result = await this.model.updateMany({ tenantId, _id: { $in: ticketIds.map((id) => feedbackId(tenantId, id)) } }, { $set: { requesterId: "", comment: "" } });
    return result.modifiedCount;
  }

  /** The feedback of these tickets now belongs to another requester (a merge or its undo). */
  async setRequester(tenantId: string, ticketIds: string[], requesterId: string): Promise<void> {
    if (ticketIds.length > 0) await this.model.updateMany({ tenantId, _id: { $in: ticketIds.map((id) => feedbackId(tenantId, id)) } }, { $set: { requesterId } });
  }
}

function toFeedback(document: FeedbackDocument): Feedback {
  const { _id, day: _day, week: _week, month: _month, outbox: _outbox, outboxSince: _since, ...feedback } = document;
  return feedback;
}
