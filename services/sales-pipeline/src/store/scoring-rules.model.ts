import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { ScoringRule } from "../domain/scoring";

/** A tenant's lead-scoring rules: one document per tenant (its id is the tenant's). */
export interface ScoringRulesDocument {
  _id: string;
  tenantId: string;
  rules: ScoringRule[];
  version: number;
  updatedAt: Date;
  updatedBy: string;
}

const schema = new Schema<ScoringRulesDocument>(
  {
    _id: { type: String, required: true },
    rules: { type: Schema.Types.Mixed, default: [] } as unknown as ScoringRule[],
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { collection: "scoring_rules", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);

export type ScoringRulesModel = Model<ScoringRulesDocument>;

export const createScoringRulesModel = (connection: Connection): Promise<ScoringRulesModel> => registerModel(connection, "ScoringRules", schema);
