import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/**
 * The match-key index: normalised identifiers and name keys -> the ids holding them. Keyed by
 * _id ("<tenant>|<key>"), so that every look-up is one primary-key read on MongoDB and on
 * FerretDB alike, and a claim is one atomic update of one document, without transactions.
 */
export interface MatchKeyDocument {
  _id: string;
  tenantId: string;
  ids: string[];
}

const matchKeySchema = new Schema<MatchKeyDocument>(
  { _id: { type: String, required: true }, ids: { type: [String], default: [] } },
  { collection: "match_keys", versionKey: false, strict: "throw" },
);
matchKeySchema.plugin(tenantScopePlugin);

export type MatchKeyModel = Model<MatchKeyDocument>;

export const createMatchKeyModel = (connection: Connection): Promise<MatchKeyModel> => registerModel(connection, "MatchKey", matchKeySchema);
