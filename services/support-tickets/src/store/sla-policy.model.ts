import { idempotentCreatePlugin, recordAuditPlugin, registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { SlaPolicyFields } from "../domain/sla-policy";
import type { SettingsDocument } from "./settings-repository";

export type SlaPolicyDocument = SettingsDocument<SlaPolicyFields>;

const schema = new Schema<SlaPolicyDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    position: { type: Number, required: true },
    enabled: { type: Boolean, required: true },
    conditions: { type: Schema.Types.Mixed, required: true },
    calendarId: { type: String, default: "" },
    targets: { type: Schema.Types.Mixed, required: true },
    pauseStatuses: { type: [String], default: [] },
    warnAtPercent: { type: Number, required: true },
    escalations: { type: Schema.Types.Mixed, default: [] },
    deleted: { type: Boolean, default: false },
    recalcRequestedAt: Date,
  },
  { collection: "sla_policies", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);
schema.plugin(recordAuditPlugin);
schema.plugin(idempotentCreatePlugin);
schema.index({ tenantId: 1, deleted: 1, position: 1, _id: 1 });
// Settings changed whose open tickets still wait for their deadlines to be recalculated.
schema.index({ recalcRequestedAt: 1 }, { sparse: true });

export type SlaPolicyModel = Model<SlaPolicyDocument>;

export const createSlaPolicyModel = (connection: Connection): Promise<SlaPolicyModel> => registerModel(connection, "SlaPolicy", schema);
