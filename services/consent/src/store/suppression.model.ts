import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import { SUPPRESSION_TYPES, type SuppressionFields } from "../domain/suppression";

/** An address never to contact. Once its subject is erased, only its hash stays (and still suppresses). */
export interface SuppressionDocument extends SuppressionFields {
  _id: string;
  tenantId: string;
  createdBy: string;
  createdAt: Date;
  /** The erasure request that removed the address itself. */
  erasedBy?: string;
}

const schema = new Schema<SuppressionDocument>(
  {
    _id: { type: String, required: true },
    type: { type: String, enum: SUPPRESSION_TYPES, required: true },
    address: { type: String, default: "" },
    addressHash: { type: String, required: true },
    reason: { type: String, default: "" },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    erasedBy: String,
  },
  { collection: "suppressions", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);

/** One entry per address and tenant: suppressing it again answers the entry there. */
schema.index({ tenantId: 1, addressHash: 1 }, { unique: true });
schema.index({ tenantId: 1, createdAt: -1, _id: -1 });
schema.index({ tenantId: 1, address: 1, _id: 1 });

export type SuppressionModel = Model<SuppressionDocument>;

export const createSuppressionModel = (connection: Connection): Promise<SuppressionModel> => registerModel(connection, "Suppression", schema);
