import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/**
 * Where a tenant's recalculation of open tickets' deadlines stands, so that one interrupted (a
 * restart, the lease taken over) resumes after the last batch written instead of starting over.
 */
export interface RecalculationDocument {
  /** The tenant. */
  _id: string;
  tenantId: string;
  /** The latest settings change this pass answers: a later one starts the pass again. */
  requestedAt: Date;
  /** The last ticket id recalculated. */
  cursor: string;
  processed: number;
  startedAt: Date;
}

const schema = new Schema<RecalculationDocument>(
  {
    _id: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    cursor: { type: String, default: "" },
    processed: { type: Number, default: 0 },
    startedAt: { type: Date, required: true },
  },
  { collection: "sla_recalculations", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);

export type RecalculationModel = Model<RecalculationDocument>;

export const createRecalculationModel = (connection: Connection): Promise<RecalculationModel> => registerModel(connection, "SlaRecalculation", schema);
