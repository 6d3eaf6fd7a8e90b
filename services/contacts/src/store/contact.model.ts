import { outboxPlugin, ownedRecordsPlugin, recordAuditPlugin, tenantScopePlugin, type OutboxEvent, type RecordAudit } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import { RELATIONSHIP_TYPES, type ContactFields, type ContactState } from "../domain/contact";

/** A contact as stored: its fields, its search tokens and match keys, and its outbox. */
export interface ContactDocument extends ContactFields, RecordAudit {
  _id: string;
  tenantId: string;
  state: ContactState;
  mergedInto?: string;
  /** Prefixes of names, e-mails, phones and organisation names (domain/search.ts). */
  searchTokens: string[];
  /** Keys held in the match-key index for this contact, to release them when they change. */
  matchKeys: string[];
  lastInteractionAt?: Date;
  outbox: OutboxEvent[];
  outboxSince?: Date;
}

const email = new Schema({ address: String, type: { type: String }, primary: Boolean }, { _id: false });
const phone = new Schema({ number: String, type: { type: String }, primary: Boolean }, { _id: false });
export const postalAddressSchema = new Schema(
  { type: { type: String }, lines: [String], city: String, region: String, postalCode: String, country: String },
  { _id: false },
);
const link = new Schema({ organizationId: String, role: String, decisionMaker: Boolean, influencer: Boolean }, { _id: false });

const contactSchema = new Schema<ContactDocument>(
  {
    _id: { type: String, required: true },
    state: { type: String, required: true, default: "active" },
    mergedInto: String,
    givenName: { type: String, default: "" },
    familyName: { type: String, default: "" },
    displayName: { type: String, required: true },
    title: { type: String, default: "" },
    jobRole: { type: String, default: "" },
    emails: { type: [email], default: [] },
    phones: { type: [phone], default: [] },
    addresses: { type: [postalAddressSchema], default: [] },
    language: { type: String, default: "" },
    timeZone: { type: String, default: "" },
    birthday: { type: String, default: "" },
    interests: { type: [String], default: [] },
    preferences: { type: Schema.Types.Mixed, default: {} },
    communication: {
      preferredChannel: { type: String, default: "" },
      doNotEmail: { type: Boolean, default: false },
      doNotCall: { type: Boolean, default: false },
      doNotMail: { type: Boolean, default: false },
    },
    leadSource: { type: String, default: "" },
    ownerId: { type: String, default: "" },
    relationshipType: { type: String, enum: RELATIONSHIP_TYPES, required: true },
    tags: { type: [String], default: [] },
    // Typed values by key (numbers, dates, booleans, text), so that filters compare them as such.
    customFields: { type: Schema.Types.Mixed, default: {} },
    organizations: { type: [link], default: [] },
    externalId: { type: String, default: "" },
    searchTokens: { type: [String], default: [] },
    matchKeys: { type: [String], default: [] },
    lastInteractionAt: Date,
  },
  { collection: "contacts", versionKey: false, strict: "throw", minimize: false },
);
contactSchema.plugin(tenantScopePlugin);
contactSchema.plugin(recordAuditPlugin);
contactSchema.plugin(outboxPlugin);
// A caller limited to its own or its team's records (Identity.owners) reads and writes only those.
contactSchema.plugin(ownedRecordsPlugin, { field: "ownerId" });

// Lists always filter on state; each order is (tenant, state, sort field, id), matching the
// cursor's tie-breaker. A search, and a list filtered on a common field, in the default order
// (newest first) is served by one index in that order, equalities first: it reads the first
// page and no more, instead of sorting every match. The default order's index also carries
// lastInteractionAt, so that a range on it is checked on index keys, not on each document.
contactSchema.index({ tenantId: 1, state: 1, createdAt: -1, _id: -1, lastInteractionAt: 1 });
contactSchema.index({ tenantId: 1, state: 1, updatedAt: -1, _id: -1 });
contactSchema.index({ tenantId: 1, state: 1, familyName: 1, _id: 1 });
contactSchema.index({ tenantId: 1, state: 1, displayName: 1, _id: 1 });
contactSchema.index({ tenantId: 1, state: 1, lastInteractionAt: -1, _id: -1 });
contactSchema.index({ tenantId: 1, state: 1, searchTokens: 1, createdAt: -1, _id: -1 });
contactSchema.index({ tenantId: 1, state: 1, relationshipType: 1, createdAt: -1, _id: -1 });
contactSchema.index({ tenantId: 1, state: 1, tags: 1, createdAt: -1, _id: -1 });
contactSchema.index({ tenantId: 1, state: 1, ownerId: 1, createdAt: -1, _id: -1 });
contactSchema.index({ tenantId: 1, state: 1, "addresses.country": 1, createdAt: -1, _id: -1 });
contactSchema.index({ tenantId: 1, "emails.address": 1 });
contactSchema.index({ tenantId: 1, "phones.number": 1 });
contactSchema.index({ tenantId: 1, "addresses.country": 1, "addresses.region": 1, "addresses.city": 1 });
contactSchema.index({ tenantId: 1, "organizations.organizationId": 1 });

export type ContactModel = Model<ContactDocument>;

/**
 * Registers the model on the service's connection and makes sure its indexes exist. Custom
 * fields have keys chosen by each tenant; MongoDB serves them with one wildcard index, which
 * FerretDB does not implement (it scans there: its indexes serve declared fields only).
 */
export async function createContactModel(connection: Connection): Promise<ContactModel> {
  const model = connection.model<ContactDocument>("Contact", contactSchema);
  await model.createIndexes();
  const build = await connection.db!.admin().command({ buildInfo: 1 });
  if (!("ferretdbVersion" in build)) await model.collection.createIndex({ tenantId: 1, "customFields.$**": 1 }, { name: "custom_fields_wildcard" });
  return model;
}
