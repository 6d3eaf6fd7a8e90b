import { outboxPlugin, tenantScopePlugin, type OutboxEvent } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import { RELATIONSHIP_TYPES, type RelationshipType } from "../domain/contact";

export interface ContactDocument {
  _id: string;
  tenantId: string;
  givenName: string;
  familyName: string;
  displayName: string;
  email?: string;
  phone?: string;
  title: string;
  relationshipType: RelationshipType;
  tags: string[];
  country?: string;
  /** Key of the create request, so that a retried create returns the first result. */
  requestId?: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const contactSchema = new Schema<ContactDocument>(
  {
    _id: { type: String, required: true },
    givenName: { type: String, default: "" },
    familyName: { type: String, default: "" },
    displayName: { type: String, required: true },
    email: { type: String },
    phone: { type: String },
    title: { type: String, default: "" },
    relationshipType: { type: String, enum: RELATIONSHIP_TYPES, required: true },
    tags: { type: [String], default: [] },
    country: { type: String },
    requestId: { type: String },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true, default: 1 },
  },
  { collection: "contacts", versionKey: false, strict: "throw" },
);
contactSchema.plugin(tenantScopePlugin);
contactSchema.plugin(outboxPlugin);

// Every list order is (tenant, sort field, id), matching the cursor's tie-breaker.
contactSchema.index({ tenantId: 1, createdAt: -1, _id: -1 });
contactSchema.index({ tenantId: 1, updatedAt: -1, _id: -1 });
contactSchema.index({ tenantId: 1, familyName: 1, _id: 1 });
contactSchema.index({ tenantId: 1, displayName: 1, _id: 1 });
contactSchema.index({ tenantId: 1, email: 1 });
contactSchema.index({ tenantId: 1, relationshipType: 1 });
contactSchema.index({ tenantId: 1, requestId: 1 }, { unique: true, sparse: true });

export type ContactModel = Model<ContactDocument>;

/** Registers the model on the service's connection and makes sure its indexes exist. */
export async function createContactModel(connection: Connection): Promise<ContactModel> {
  const model = connection.model<ContactDocument>("Contact", contactSchema);
  await model.createIndexes();
  return model;
}
