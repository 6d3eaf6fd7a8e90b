import { contactsV1 } from "@crm/proto";
import { PreconditionFailedError, toEtag, ValidationError } from "@crm/kit";
import type { Contact, ContactDraft, PostalAddress, RelationshipType } from "../domain/contact";
import { customValueText, type CustomFieldDefinition, type CustomFieldType } from "../domain/custom-fields";
import type { Organization, OrganizationDraft } from "../domain/organization";

const { RelationshipType: ProtoType, CustomFieldType: ProtoFieldType } = contactsV1;

const TO_PROTO: Record<RelationshipType, contactsV1.RelationshipType> = {
  prospect: ProtoType.RELATIONSHIP_TYPE_PROSPECT,
  customer: ProtoType.RELATIONSHIP_TYPE_CUSTOMER,
  partner: ProtoType.RELATIONSHIP_TYPE_PARTNER,
  supplier: ProtoType.RELATIONSHIP_TYPE_SUPPLIER,
  competitor: ProtoType.RELATIONSHIP_TYPE_COMPETITOR,
  other: ProtoType.RELATIONSHIP_TYPE_OTHER,
};
const FROM_PROTO = new Map(Object.entries(TO_PROTO).map(([domain, proto]) => [proto, domain as RelationshipType]));

const FIELD_TYPE_TO_PROTO: Record<CustomFieldType, contactsV1.CustomFieldType> = {
  text: ProtoFieldType.CUSTOM_FIELD_TYPE_TEXT,
  number: ProtoFieldType.CUSTOM_FIELD_TYPE_NUMBER,
  boolean: ProtoFieldType.CUSTOM_FIELD_TYPE_BOOLEAN,
  date: ProtoFieldType.CUSTOM_FIELD_TYPE_DATE,
  select: ProtoFieldType.CUSTOM_FIELD_TYPE_SELECT,
};
const FIELD_TYPE_FROM_PROTO = new Map(Object.entries(FIELD_TYPE_TO_PROTO).map(([domain, proto]) => [proto, domain as CustomFieldType]));

export function toProtoContact(contact: Contact): contactsV1.Contact {
  return {
    id: contact.id,
    givenName: contact.givenName,
    familyName: contact.familyName,
    displayName: contact.displayName,
    title: contact.title,
    jobRole: contact.jobRole,
    emails: contact.emails,
    phones: contact.phones,
    addresses: contact.addresses,
    language: contact.language,
    timeZone: contact.timeZone,
    birthday: contact.birthday,
    interests: contact.interests,
    preferences: contact.preferences,
    communication: contact.communication,
    leadSource: contact.leadSource,
    ownerId: contact.ownerId,
    relationshipType: TO_PROTO[contact.relationshipType],
    tags: contact.tags,
    customFields: Object.fromEntries(Object.entries(contact.customFields).map(([k, v]) => [k, customValueText(v)])),
    organizations: contact.organizations,
    externalId: contact.externalId,
    lastInteractionTime: contact.lastInteractionAt,
    createTime: contact.createdAt,
    updateTime: contact.updatedAt,
    createdBy: contact.createdBy,
    updatedBy: contact.updatedBy,
    etag: toEtag(contact.version),
  };
}

export function toContactDraft(input: contactsV1.ContactInput | undefined, field = "contact"): ContactDraft {
  if (!input) throw ValidationError.field(field, "is required");
  return {
    givenName: input.givenName,
    familyName: input.familyName,
    displayName: input.displayName,
    title: input.title,
    jobRole: input.jobRole,
    emails: input.emails.map((e) => ({ address: e.address, type: e.type, primary: e.primary })),
    phones: input.phones.map((p) => ({ number: p.number, type: p.type, primary: p.primary })),
    addresses: input.addresses.map(toAddress),
    language: input.language,
    timeZone: input.timeZone,
    birthday: input.birthday,
    interests: input.interests,
    preferences: input.preferences,
    communication: input.communication
      ? { ...input.communication }
      : { preferredChannel: "", doNotEmail: false, doNotCall: false, doNotMail: false },
    leadSource: input.leadSource,
    ownerId: input.ownerId,
    relationshipType: toRelationshipType(input.relationshipType, `${field}.relationshipType`),
    tags: input.tags,
    customFields: input.customFields,
    organizations: input.organizations.map((o) => ({ organizationId: o.organizationId, role: o.role, decisionMaker: o.decisionMaker, influencer: o.influencer })),
    externalId: input.externalId,
    defaultPhoneRegion: input.defaultPhoneRegion,
  };
}

function toAddress(address: contactsV1.PostalAddress): PostalAddress {
  return { type: address.type, lines: address.lines, city: address.city, region: address.region, postalCode: address.postalCode, country: address.country };
}

function toRelationshipType(value: contactsV1.RelationshipType, field: string): RelationshipType | undefined {
  if (value === ProtoType.RELATIONSHIP_TYPE_UNSPECIFIED) return undefined;
  const type = FROM_PROTO.get(value);
  if (!type) throw ValidationError.field(field, "is not a known type");
  return type;
}

export function toProtoOrganization(organization: Organization): contactsV1.Organization {
  return {
    id: organization.id,
    name: organization.name,
    domain: organization.domain,
    industry: organization.industry,
    size: organization.size,
    annualRevenue: organization.annualRevenue,
    addresses: organization.addresses,
    parentId: organization.parentId,
    relationshipType: TO_PROTO[organization.relationshipType],
    tags: organization.tags,
    ownerId: organization.ownerId,
    externalId: organization.externalId,
    createTime: organization.createdAt,
    updateTime: organization.updatedAt,
    etag: toEtag(organization.version),
  };
}

export function toOrganizationDraft(input: contactsV1.OrganizationInput | undefined): OrganizationDraft {
  if (!input) throw ValidationError.field("organization", "is required");
  return {
    name: input.name,
    domain: input.domain,
    industry: input.industry,
    size: input.size,
    annualRevenue: input.annualRevenue ? { currencyCode: input.annualRevenue.currencyCode, amount: input.annualRevenue.amount } : undefined,
    addresses: input.addresses.map(toAddress),
    parentId: input.parentId,
    relationshipType: toRelationshipType(input.relationshipType, "organization.relationshipType"),
    tags: input.tags,
    ownerId: input.ownerId,
    externalId: input.externalId,
  };
}

export function toProtoDefinition(definition: CustomFieldDefinition): contactsV1.CustomFieldDefinition {
  return { key: definition.key, label: definition.label, type: FIELD_TYPE_TO_PROTO[definition.type], options: definition.options };
}

export function toDefinition(input: contactsV1.CustomFieldDefinition | undefined): CustomFieldDefinition {
  if (!input) throw ValidationError.field("definition", "is required");
  const type = FIELD_TYPE_FROM_PROTO.get(input.type);
  if (!type) throw ValidationError.field("definition.type", "must be text, number, boolean, date or select");
  return { key: input.key, label: input.label, type, options: input.options };
}

/** Refuses a write made over a stale read: FAILED_PRECONDITION when the etag names another version. */
export function requireCurrent(etag: string, current: { id: string; version: number }, what: string): void {
  const expected = versionOf(etag);
  if (expected !== undefined && expected !== current.version) {
    throw new PreconditionFailedError(`${what} ${current.id} changed since it was read (etag mismatch); read it again`);
  }
}

/** The version an etag names; undefined for an empty etag (no check), INVALID_ARGUMENT for garbage. */
export function versionOf(etag: string, field = "etag"): number | undefined {
  if (!etag) return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(etag.trim());
  if (!match) throw ValidationError.field(field, 'is not an etag this API issued (e.g. W/"3")');
  return Number(match[1]);
}
