import { idempotentCreatePlugin, outboxPlugin, ownedRecordsPlugin, recordAuditPlugin, registerModel, tenantScopePlugin, type OutboxEvent, type RecordAudit } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { LeadCompany, LeadConversion, LeadFields, LeadPerson } from "../domain/lead";
import type { ScoreReason } from "../domain/scoring";

/** One change of a lead's score, kept on the lead (the latest HISTORY_LIMIT of them). */
export interface ScoreHistoryEntry {
  score: number;
  previousScore: number;
  at: Date;
  cause: string;
  reasons: ScoreReason[];
}

/** A lead as stored: fields, score and its history, conversion (the resume point), audit, outbox. */
export interface LeadDocument extends LeadFields, RecordAudit {
  _id: string;
  tenantId: string;
  requestKey: string;
  score: number;
  scoreReasons: ScoreReason[];
  scoredAt?: Date;
  scoreHistory: ScoreHistoryEntry[];
  /** When the score must be computed again (rules changed, behaviour decays); unset otherwise. */
  rescoreAt?: Date;
  /** Why: rules_changed, decay or merged (the cause its history entry gives). */
  rescoreCause?: string;
  organizationId: string;
  dealId: string;
  conversion?: LeadConversion & { attempt: string };
  erased?: boolean;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

export const HISTORY_LIMIT = 100;

const schema = new Schema<LeadDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    person: { type: Schema.Types.Mixed, required: true } as unknown as LeadPerson,
    company: { type: Schema.Types.Mixed, required: true } as unknown as LeadCompany,
    country: { type: String, default: "" },
    source: { type: String, required: true },
    sourceDetail: { type: String, default: "" },
    status: { type: String, required: true },
    ownerId: { type: String, default: "" },
    tags: { type: [String], default: [] },
    contactId: { type: String, default: "" },
    disqualifyReason: { type: String, default: "" },
    score: { type: Number, required: true, default: 0 },
    scoreReasons: { type: Schema.Types.Mixed, default: [] } as unknown as ScoreReason[],
    scoredAt: { type: Date },
    scoreHistory: { type: Schema.Types.Mixed, default: [] } as unknown as ScoreHistoryEntry[],
    rescoreAt: { type: Date },
    rescoreCause: { type: String },
    organizationId: { type: String, default: "" },
    dealId: { type: String, default: "" },
    conversion: { type: Schema.Types.Mixed } as unknown as LeadDocument["conversion"],
    erased: { type: Boolean },
  },
  { collection: "leads", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);
schema.plugin(recordAuditPlugin);
schema.plugin(outboxPlugin);
schema.plugin(idempotentCreatePlugin);
schema.plugin(ownedRecordsPlugin, { field: "ownerId" });

// One index per order a list offers (domain/list-fields.ts): tenant, sort field, then the id,
// the cursor's tie-breaker, so that a page is read in order and no further.
schema.index({ tenantId: 1, createdAt: -1, _id: -1 });
schema.index({ tenantId: 1, updatedAt: -1, _id: -1 });
schema.index({ tenantId: 1, name: 1, _id: 1 });
schema.index({ tenantId: 1, score: -1, _id: -1 });
schema.index({ tenantId: 1, status: 1, score: -1, _id: -1 });
// Behaviour arrives by contact; erasure finds leads by contact and e-mail.
schema.index({ tenantId: 1, contactId: 1 });
schema.index({ tenantId: 1, "person.email": 1 });
// The sweeps' queues, across tenants: scores to compute again, conversions left half done.
schema.index({ rescoreAt: 1 }, { sparse: true });
schema.index({ "conversion.state": 1, "conversion.heldUntil": 1 }, { sparse: true });

export type LeadModel = Model<LeadDocument>;

export const createLeadModel = (connection: Connection): Promise<LeadModel> => registerModel(connection, "Lead", schema);
