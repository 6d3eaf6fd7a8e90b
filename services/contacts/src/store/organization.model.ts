import { outboxPlugin, ownedRecordsPlugin, recordAuditPlugin, registerModel, tenantScopePlugin, type OutboxEvent, type RecordAudit } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import { RELATIONSHIP_TYPES } from "../domain/contact";
import type { OrganizationFields } from "../domain/organization";
import { postalAddressSchema } from "./contact.model";

export interface OrganizationDocument extends OrganizationFields, RecordAudit {
  _id: string;
  tenantId: string;
  searchTokens: string[];
  matchKeys: string[];
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const schema = new Schema<OrganizationDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    domain: { type: String, default: "" },
    industry: { type: String, default: "" },
    size: { type: String, default: "" },
    annualRevenue: { type: new Schema({ currencyCode: String, amount: String }, { _id: false }), required: false },
    addresses: { type: [postalAddressSchema], default: [] },
    parentId: { type: String, default: "" },
    relationshipType: { type: String, enum: RELATIONSHIP_TYPES, required: true },
    tags: { type: [String], default: [] },
    ownerId: { type: String, default: "" },
    externalId: { type: String, default: "" },
    searchTokens: { type: [String], default: [] },
    matchKeys: { type: [String], default: [] },
  },
  { collection: "organizations", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.plugin(recordAuditPlugin);
schema.plugin(outboxPlugin);
schema.plugin(ownedRecordsPlugin, { field: "ownerId" });
schema.index({ tenantId: 1, createdAt: -1, _id: -1 });
schema.index({ tenantId: 1, name: 1, _id: 1 });
schema.index({ tenantId: 1, searchTokens: 1 });
schema.index({ tenantId: 1, domain: 1 });
schema.index({ tenantId: 1, parentId: 1 });
schema.index({ tenantId: 1, industry: 1 });

export type OrganizationModel = Model<OrganizationDocument>;

export const createOrganizationModel = (connection: Connection): Promise<OrganizationModel> => registerModel(connection, "Organization", schema);
