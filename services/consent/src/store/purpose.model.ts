import { idempotentCreatePlugin, outboxPlugin, recordAuditPlugin, registerModel, tenantScopePlugin, type OutboxEvent, type RecordAudit } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { PurposeFields } from "../domain/purpose";

/** A purpose as stored: fields, audit, the key of the request that created it, and its outbox. */
export interface PurposeDocument extends PurposeFields, RecordAudit {
  _id: string;
  tenantId: string;
  requestKey: string;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const schema = new Schema<PurposeDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
  },
  { collection: "purposes", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.plugin(recordAuditPlugin);
schema.plugin(outboxPlugin);
schema.plugin(idempotentCreatePlugin);

// One index per order a list offers (domain/list-fields.ts): tenant, sort field, then the id,
// the cursor's tie-breaker, so that a page is read in order and no further.
schema.index({ tenantId: 1, createdAt: -1, _id: -1 });
schema.index({ tenantId: 1, updatedAt: -1, _id: -1 });
schema.index({ tenantId: 1, name: 1, _id: 1 });

export type PurposeModel = Model<PurposeDocument>;

export const createPurposeModel = (connection: Connection): Promise<PurposeModel> => registerModel(connection, "Purpose", schema);
