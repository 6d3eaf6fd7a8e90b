import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/** A tenant's sending settings (one document per tenant, `_id` the tenant); the service's defaults until written. */
export interface SettingsDocument {
  _id: string;
  tenantId: string;
  sendRatePerSecond: number;
  softBounceLimit: number;
  softBounceWindowDays: number;
  version: number;
  updatedAt: Date;
  updatedBy: string;
}

const schema = new Schema<SettingsDocument>(
  {
    _id: { type: String, required: true },
    sendRatePerSecond: { type: Number, required: true },
    softBounceLimit: { type: Number, required: true },
    softBounceWindowDays: { type: Number, required: true },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { collection: "settings", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);

export type SettingsModel = Model<SettingsDocument>;
export const createSettingsModel = (connection: Connection): Promise<SettingsModel> => registerModel(connection, "Settings", schema);
