import { idempotentCreatePlugin, outboxPlugin, ownedRecordsPlugin, recordAuditPlugin, registerModel, tenantScopePlugin, type OutboxEvent, type RecordAudit } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { Ticket } from "../domain/ticket";

/**
 * A ticket as stored, one document with its comments, history and SLA (so that a change, its
 * history entry and its events are one atomic write), and what lists and the scheduler query:
 * `open`, `priorityRank`, `slaDueAt` (the soonest running deadline; far future without one) and
 * `slaWatchAt` (the next alert to announce, set only while one is pending).
 */
export interface TicketDocument extends Omit<Ticket, "id">, RecordAudit {
  _id: string;
  open: boolean;
  priorityRank: number;
  slaDueAt: Date;
  slaWatchAt?: Date | undefined;
  /** Requester ids this ticket had before merges moved it to the survivor, to give it back on an undo. */
  mergedFrom: string[];
  requestKey: string;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const comment = new Schema(
  {
    id: { type: String, required: true },
    body: { type: String, default: "" },
    public: { type: Boolean, required: true },
    fromRequester: { type: Boolean, required: true },
    authorId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    requestKey: { type: String, default: "" },
  },
  { _id: false },
);
const statusChange = new Schema({ status: { type: String, required: true }, at: { type: Date, required: true } }, { _id: false });

const schema = new Schema<TicketDocument>(
  {
    _id: { type: String, required: true },
    subject: { type: String, default: "" },
    description: { type: String, default: "" },
    channel: { type: String, required: true },
    priority: { type: String, required: true },
    priorityRank: { type: Number, required: true },
    category: { type: String, default: "" },
    status: { type: String, required: true },
    open: { type: Boolean, required: true },
    requesterId: { type: String, default: "" },
    requesterName: { type: String, default: "" },
    requesterEmail: { type: String, default: "" },
    requesterPhone: { type: String, default: "" },
    mergedFrom: { type: [String], default: [] },
    assigneeId: { type: String, default: "" },
    team: { type: String, default: "" },
    ownerId: { type: String, default: "" },
    tags: { type: [String], default: [] },
    organizationId: { type: String, default: "" },
    organizationTier: { type: String, default: "" },
    dealId: { type: String, default: "" },
    productId: { type: String, default: "" },
    statusLog: { type: [statusChange], default: [] },
    firstResponseAt: Date,
    resolvedAt: Date,
    reopenCount: { type: Number, default: 0 },
    updateCycle: Schema.Types.Mixed,
    sla: { type: Schema.Types.Mixed, required: true },
    timing: { type: Schema.Types.Mixed, default: {} },
    comments: { type: [comment], default: [] },
    history: { type: Schema.Types.Mixed, default: [] },
    slaDueAt: { type: Date, required: true },
    slaWatchAt: Date,
  },
  { collection: "tickets", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);
schema.plugin(recordAuditPlugin);
schema.plugin(outboxPlugin);
schema.plugin(idempotentCreatePlugin);
// Record-level permissions: the assignee, else the team, else the creator owns a ticket.
schema.plugin(ownedRecordsPlugin, { field: "ownerId" });

// One index per order a list offers (domain/list-fields.ts), after the equalities a queue filters by.
schema.index({ tenantId: 1, createdAt: -1, _id: -1 });
schema.index({ tenantId: 1, updatedAt: -1, _id: -1 });
// The queue: open tickets by priority, or by their soonest deadline.
schema.index({ tenantId: 1, open: 1, priorityRank: -1, _id: -1 });
schema.index({ tenantId: 1, open: 1, slaDueAt: 1, _id: 1 });
// The recalculation's walk: a tenant's open tickets in id order, from a cursor.
schema.index({ tenantId: 1, open: 1, _id: 1 });
schema.index({ tenantId: 1, assigneeId: 1, open: 1, priorityRank: -1, _id: -1 });
schema.index({ tenantId: 1, team: 1, open: 1, priorityRank: -1, _id: -1 });
// A contact's tickets (customer 360, merges, erasure), an organisation's.
schema.index({ tenantId: 1, requesterId: 1, createdAt: -1, _id: -1 });
schema.index({ tenantId: 1, organizationId: 1, createdAt: -1, _id: -1 });
schema.index({ tenantId: 1, mergedFrom: 1 });
// Metrics over tickets resolved in a date range.
schema.index({ tenantId: 1, resolvedAt: 1 });
// The SLA scheduler's queue, across tenants: only tickets with an alert to announce carry it.
schema.index({ slaWatchAt: 1 }, { sparse: true });

export type TicketModel = Model<TicketDocument>;

export const createTicketModel = (connection: Connection): Promise<TicketModel> => registerModel(connection, "Ticket", schema);
