import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/** A campaign's part in a deal won (domain/influence.ts), once per campaign and deal: `<tenant>|<campaign>|<deal>`. */
export interface InfluenceDocument {
  _id: string;
  tenantId: string;
  campaignId: string;
  variant: string;
  dealId: string;
  wonAt: Date;
  currency: string;
  amountMinor: number;
  contactIds: string[];
}

const schema = new Schema<InfluenceDocument>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    variant: { type: String, required: true },
    dealId: { type: String, required: true },
    wonAt: { type: Date, required: true },
    currency: { type: String, default: "" },
    amountMinor: { type: Number, default: 0 },
    contactIds: { type: [String], default: [] },
  },
  { collection: "influences", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.index({ tenantId: 1, campaignId: 1 });
schema.index({ tenantId: 1, contactIds: 1 });

export type InfluenceModel = Model<InfluenceDocument>;
export const createInfluenceModel = (connection: Connection): Promise<InfluenceModel> => registerModel(connection, "Influence", schema);
