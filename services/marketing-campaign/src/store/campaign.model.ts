import { idempotentCreatePlugin, outboxPlugin, recordAuditPlugin, registerModel, tenantScopePlugin, type OutboxEvent, type RecordAudit } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { CampaignFields, CampaignStatus, ExclusionCounts } from "../domain/campaign";

/**
 * A campaign as stored, with what its send job needs to run once across replicas and resume
 * after a crash: `runAt` (set while it is scheduled or sending: when the runner should take it),
 * the runner's lease, and how far the audience snapshot got (`audienceAfterId`, the last contact
 * id streamed).
 */
export interface CampaignDocument extends CampaignFields, RecordAudit {
  _id: string;
  tenantId: string;
  status: CampaignStatus;
  scheduledAt?: Date;
  timeZone: string;
  sendStartedAt?: Date;
  sendEndedAt?: Date;
  audienceBuilt: boolean;
  audienceAfterId: string;
  audience: number;
  sent: number;
  excluded: ExclusionCounts;
  runAt?: Date;
  leaseOwner?: string;
  leaseUntil?: Date;
  requestKey: string;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const variant = new Schema({ key: String, weight: Number, subject: String, body: String }, { _id: false });

const schema = new Schema<CampaignDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    purposeId: { type: String, required: true },
    channel: { type: String, required: true },
    segmentId: { type: String, required: true },
    variants: { type: [variant], default: [] },
    fallbacks: { type: Schema.Types.Mixed, default: {} },
    fromAddress: { type: String, default: "" },
    status: { type: String, required: true },
    scheduledAt: Date,
    timeZone: { type: String, default: "" },
    sendStartedAt: Date,
    sendEndedAt: Date,
    audienceBuilt: { type: Boolean, default: false },
    audienceAfterId: { type: String, default: "" },
    audience: { type: Number, default: 0 },
    sent: { type: Number, default: 0 },
    excluded: { type: Schema.Types.Mixed, default: {} },
    runAt: Date,
    leaseOwner: String,
    leaseUntil: Date,
  },
  { collection: "campaigns", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);
schema.plugin(recordAuditPlugin);
schema.plugin(outboxPlugin);
schema.plugin(idempotentCreatePlugin);

// One index per order a list offers (domain/list-fields.ts): tenant, sort field, then the id.
schema.index({ tenantId: 1, createdAt: -1, _id: -1 });
schema.index({ tenantId: 1, updatedAt: -1, _id: -1 });
schema.index({ tenantId: 1, name: 1, _id: 1 });
schema.index({ tenantId: 1, segmentId: 1 });
// The runner's queue, across tenants: only campaigns due to run carry runAt.
schema.index({ runAt: 1 }, { sparse: true });

export type CampaignModel = Model<CampaignDocument>;
export const createCampaignModel = (connection: Connection): Promise<CampaignModel> => registerModel(connection, "Campaign", schema);
