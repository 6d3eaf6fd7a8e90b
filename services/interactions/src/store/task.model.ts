import { idempotentCreatePlugin, outboxPlugin, recordAuditPlugin, registerModel, tenantScopePlugin, type OutboxEvent, type RecordAudit } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { TaskFields } from "../domain/task";

/** A task as stored, with what the overdue scheduler watches and its outbox. */
export interface TaskDocument extends TaskFields, RecordAudit {
  _id: string;
  tenantId: string;
  completedAt?: Date;
  /** `type:id` of every link, merged contacts followed to their survivor (domain/links.ts). */
  refs: string[];
  /** The due time still to be announced as overdue; unset once announced, or while the task is closed. */
  overdueAt?: Date;
  requestKey: string;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const link = new Schema({ type: { type: String, required: true }, id: { type: String, required: true } }, { _id: false });

const schema = new Schema<TaskDocument>(
  {
    _id: { type: String, required: true },
    title: { type: String, required: true },
    notes: { type: String, default: "" },
    dueAt: { type: Date, required: true },
    assigneeId: { type: String, required: true },
    priority: { type: String, required: true },
    status: { type: String, required: true },
    links: { type: [link], default: [] },
    refs: { type: [String], default: [] },
    completedAt: Date,
    overdueAt: Date,
  },
  { collection: "tasks", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);
schema.plugin(recordAuditPlugin);
schema.plugin(outboxPlugin);
schema.plugin(idempotentCreatePlugin);

schema.index({ tenantId: 1, dueAt: 1, _id: 1 });
schema.index({ tenantId: 1, createdAt: -1, _id: -1 });
schema.index({ tenantId: 1, assigneeId: 1, dueAt: 1, _id: 1 });
schema.index({ tenantId: 1, refs: 1, dueAt: 1, _id: 1 });
schema.index({ tenantId: 1, "links.id": 1 });
// The scheduler's queue, across tenants: only tasks waiting for their announcement carry it.
schema.index({ overdueAt: 1 }, { sparse: true });

export type TaskModel = Model<TaskDocument>;

export const createTaskModel = (connection: Connection): Promise<TaskModel> => registerModel(connection, "Task", schema);
