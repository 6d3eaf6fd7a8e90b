import { idempotentCreatePlugin, recordAuditPlugin, registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { CalendarFields } from "../domain/calendar";
import type { SettingsDocument } from "./settings-repository";

export type CalendarDocument = SettingsDocument<CalendarFields>;

const span = new Schema({ day: { type: Number, required: true }, start: { type: String, required: true }, end: { type: String, required: true } }, { _id: false });

const schema = new Schema<CalendarDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    timeZone: { type: String, required: true },
    spans: { type: [span], default: [] },
    holidays: { type: [String], default: [] },
    deleted: { type: Boolean, default: false },
    recalcRequestedAt: Date,
  },
  { collection: "calendars", versionKey: false, strict: "throw", minimize: false },
);
schema.plugin(tenantScopePlugin);
schema.plugin(recordAuditPlugin);
schema.plugin(idempotentCreatePlugin);
schema.index({ tenantId: 1, deleted: 1, _id: 1 });
schema.index({ recalcRequestedAt: 1 }, { sparse: true });

export type CalendarModel = Model<CalendarDocument>;

export const createCalendarModel = (connection: Connection): Promise<CalendarModel> => registerModel(connection, "Calendar", schema);
