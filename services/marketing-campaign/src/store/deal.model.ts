import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/**
 * A deal as sales-pipeline announced it (deal.stage_changed, deal.won, deal.lost), kept for the
 * segment condition "open deal in stage S". `<tenant>|<dealId>`; later events win (eventAt).
 */
export interface DealDocument {
  _id: string;
  tenantId: string;
  dealId: string;
  stageId: string;
  open: boolean;
  contactIds: string[];
  eventAt: Date;
}

const schema = new Schema<DealDocument>(
  {
    _id: { type: String, required: true },
    dealId: { type: String, required: true },
    stageId: { type: String, default: "" },
    open: { type: Boolean, required: true },
    contactIds: { type: [String], default: [] },
    eventAt: { type: Date, required: true },
  },
  { collection: "deals", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.index({ tenantId: 1, contactIds: 1 });

export type DealModel = Model<DealDocument>;
export const createDealModel = (connection: Connection): Promise<DealModel> => registerModel(connection, "Deal", schema);
