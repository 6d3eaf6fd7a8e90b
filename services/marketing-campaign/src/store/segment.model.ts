import { idempotentCreatePlugin, outboxPlugin, recordAuditPlugin, registerModel, tenantScopePlugin, type OutboxEvent, type RecordAudit } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { SegmentFields } from "../domain/segment";

/** A segment as stored; the filter tree is kept as its JSON (its oneof keys start with `$`, which field names must not). */
export interface SegmentDocument extends SegmentFields, RecordAudit {
  _id: string;
  tenantId: string;
  requestKey: string;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const schema = new Schema<SegmentDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String, default: "" },
    kind: { type: String, required: true },
    filterJson: { type: String, default: "" },
    behaviour: { type: Schema.Types.Mixed, default: [] },
    contactIds: { type: [String], default: [] },
  },
  { collection: "segments", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);
schema.plugin(recordAuditPlugin);
schema.plugin(outboxPlugin);
schema.plugin(idempotentCreatePlugin);

schema.index({ tenantId: 1, createdAt: -1, _id: -1 });
schema.index({ tenantId: 1, updatedAt: -1, _id: -1 });
schema.index({ tenantId: 1, name: 1, _id: 1 });
// Static lists that name a contact (erasure and merges).
schema.index({ tenantId: 1, contactIds: 1 });

export type SegmentModel = Model<SegmentDocument>;
export const createSegmentModel = (connection: Connection): Promise<SegmentModel> => registerModel(connection, "Segment", schema);
