import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/** One service's part of an access export, as it answered: kept apart from the request, which it could outgrow. */
export interface ExportPartDocument {
  /** `<request id>:<service>` */
  _id: string;
  tenantId: string;
  requestId: string;
  service: string;
  dataJson: string;
  records: number;
  answeredAt: Date;
}

const schema = new Schema<ExportPartDocument>(
  {
    _id: { type: String, required: true },
    requestId: { type: String, required: true },
    service: { type: String, required: true },
    dataJson: { type: String, required: true },
    records: { type: Number, required: true },
    answeredAt: { type: Date, required: true },
  },
  { collection: "export_parts", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.index({ tenantId: 1, requestId: 1 });

export type ExportPartModel = Model<ExportPartDocument>;

export const createExportPartModel = (connection: Connection): Promise<ExportPartModel> => registerModel(connection, "ExportPart", schema);
