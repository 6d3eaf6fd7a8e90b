import { idempotentCreatePlugin, outboxPlugin, recordAuditPlugin, registerModel, tenantScopePlugin, type OutboxEvent, type RecordAudit } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import { LAWFUL_BASES, OPT_MODES, type Notice, type PurposeFields } from "../domain/purpose";

/** A purpose as stored: fields, notices, audit, the key of the request that created it, and its outbox. */
export interface PurposeDocument extends PurposeFields, RecordAudit {
  _id: string;
  tenantId: string;
  notices: Notice[];
  renewalRequiredFrom: number;
  requestKey: string;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const notice = new Schema<Notice>(
  {
    version: { type: Number, required: true },
    text: { type: String, required: true },
    requiresRenewal: { type: Boolean, required: true },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: String, required: true },
  },
  { _id: false },
);

const schema = new Schema<PurposeDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    key: { type: String, required: true },
    description: { type: String, default: "" },
    lawfulBasis: { type: String, enum: LAWFUL_BASES, required: true },
    retentionDays: { type: Number, default: 0 },
    consentValidityDays: { type: Number, default: 0 },
    optMode: { type: String, enum: OPT_MODES, required: true },
    notices: { type: [notice], default: [] },
    renewalRequiredFrom: { type: Number, default: 0 },
  },
  { collection: "purposes", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.plugin(recordAuditPlugin);
schema.plugin(outboxPlugin);
schema.plugin(idempotentCreatePlugin);

/** A purpose's key names it in code and imports: one per tenant. */
schema.index({ tenantId: 1, key: 1 }, { unique: true });
// One index per order a list offers (domain/list-fields.ts): tenant, sort field, then the id,
// the cursor's tie-breaker, so that a page is read in order and no further.
schema.index({ tenantId: 1, createdAt: -1, _id: -1 });
schema.index({ tenantId: 1, updatedAt: -1, _id: -1 });
schema.index({ tenantId: 1, name: 1, _id: 1 });

export type PurposeModel = Model<PurposeDocument>;

export const createPurposeModel = (connection: Connection): Promise<PurposeModel> => registerModel(connection, "Purpose", schema);
