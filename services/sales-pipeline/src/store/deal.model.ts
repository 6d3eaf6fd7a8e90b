import { idempotentCreatePlugin, outboxPlugin, ownedRecordsPlugin, recordAuditPlugin, registerModel, tenantScopePlugin, type OutboxEvent } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { Competitor, Deal, Stakeholder, StageVisit } from "../domain/deal";
import type { Amount } from "../domain/money";

/** A deal as stored: its fields, what its stage gives it, its stage history, audit and outbox. */
export interface DealDocument extends Omit<Deal, "id"> {
  _id: string;
  requestKey: string;
  /** Set with a change that moves the deal's forecast cells, until they are computed again (store/forecast-cells.ts). */
  cellsPendingSince?: Date;
  /** The cells the change took the deal out of. */
  staleCells?: string[];
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const schema = new Schema<DealDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    pipelineId: { type: String, required: true },
    stageId: { type: String, required: true },
    stageName: { type: String, required: true },
    status: { type: String, required: true },
    organizationId: { type: String, default: "" },
    stakeholders: { type: Schema.Types.Mixed, default: [] } as unknown as Stakeholder[],
    amount: { type: Schema.Types.Mixed, required: true } as unknown as Amount,
    expectedCloseDate: { type: String, default: "" },
    closeMonth: { type: String, default: "" },
    probabilityOverride: { type: Number },
    probability: { type: Number, required: true },
    weightedMinor: { type: Number, required: true },
    ownerId: { type: String, default: "" },
    competitors: { type: Schema.Types.Mixed, default: [] } as unknown as Competitor[],
    nextStep: { type: String, default: "" },
    closeReason: { type: String, default: "" },
    closedAt: { type: Date },
    stageHistory: { type: Schema.Types.Mixed, default: [] } as unknown as StageVisit[],
    leadId: { type: String, default: "" },
    cellsPendingSince: { type: Date },
    staleCells: { type: [String], default: undefined },
  },
  { collection: "deals", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);
schema.plugin(recordAuditPlugin);
schema.plugin(outboxPlugin);
schema.plugin(idempotentCreatePlugin);
schema.plugin(ownedRecordsPlugin, { field: "ownerId" });

// The list's orders (domain/list-fields.ts), each ending with the id for the cursor.
schema.index({ tenantId: 1, updatedAt: -1, _id: -1 });
schema.index({ tenantId: 1, createdAt: -1, _id: -1 });
schema.index({ tenantId: 1, name: 1, _id: 1 });
schema.index({ tenantId: 1, "amount.minor": -1, _id: -1 });
schema.index({ tenantId: 1, expectedCloseDate: 1, _id: 1 });
// The board: one stage's deals, most recently changed first.
schema.index({ tenantId: 1, pipelineId: 1, stageId: 1, updatedAt: -1, _id: -1 });
// The forecast: a pipeline's deals by expected close date.
schema.index({ tenantId: 1, pipelineId: 1, expectedCloseDate: 1 });
// The customer 360 and merges find deals by stakeholder; erasure too.
schema.index({ tenantId: 1, "stakeholders.contactId": 1, status: 1 });
schema.index({ tenantId: 1, organizationId: 1 });
// A forecast cell's deals (store/forecast-cells.ts), and the cells still to compute after a crash.
schema.index({ tenantId: 1, pipelineId: 1, stageId: 1, ownerId: 1, closeMonth: 1, "amount.currency": 1 });
schema.index({ cellsPendingSince: 1 }, { sparse: true });

export type DealModel = Model<DealDocument>;

export const createDealModel = (connection: Connection): Promise<DealModel> => registerModel(connection, "Deal", schema);
