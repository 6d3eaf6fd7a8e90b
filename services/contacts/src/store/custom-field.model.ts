import { tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { CustomFieldDefinition } from "../domain/custom-fields";

/** All custom field definitions of one tenant in one document, read by primary key. */
export interface CustomFieldsDocument {
  _id: string;
  tenantId: string;
  definitions: CustomFieldDefinition[];
  version: number;
}

const definition = new Schema({ key: String, label: String, type: { type: String }, options: [String] }, { _id: false });
const schema = new Schema<CustomFieldsDocument>(
  { _id: { type: String, required: true }, definitions: { type: [definition], default: [] }, version: { type: Number, default: 0 } },
  { collection: "custom_fields", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);

export type CustomFieldsModel = Model<CustomFieldsDocument>;

export function createCustomFieldsModel(connection: Connection): CustomFieldsModel {
  return connection.model<CustomFieldsDocument>("CustomFields", schema);
}
