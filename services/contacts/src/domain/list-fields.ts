import type { FieldSpec, FieldSpecs } from "@crm/kit";
import { RELATIONSHIP_TYPES } from "./contact";
import type { CustomFieldDefinition } from "./custom-fields";
import { normaliseCountry, normaliseDomain, normaliseEmail, normaliseTag } from "./normalise";

const type: FieldSpec = { path: "relationshipType", type: "enum", values: RELATIONSHIP_TYPES, normalise: (v) => v.toLowerCase() };
const lower = (v: string) => v.trim().toLowerCase();

/** What ListContacts may filter and order by: the API name, the stored path and the type. */
export const CONTACT_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  type,
  email: { path: "emails.address", type: "string", normalise: normaliseEmail },
  phone: { path: "phones.number", type: "string", normalise: (v) => v.replace(/[^\d+]/g, "") },
  givenName: { path: "givenName", type: "string" },
  familyName: { path: "familyName", type: "string", sortable: true },
  displayName: { path: "displayName", type: "string", sortable: true },
  tags: { path: "tags", type: "string", normalise: normaliseTag },
  ownerId: { path: "ownerId", type: "string" },
  leadSource: { path: "leadSource", type: "string", normalise: lower },
  language: { path: "language", type: "string" },
  country: { path: "addresses.country", type: "string", normalise: normaliseCountry },
  region: { path: "addresses.region", type: "string" },
  city: { path: "addresses.city", type: "string" },
  organizationId: { path: "organizations.organizationId", type: "string" },
  decisionMaker: { path: "organizations.decisionMaker", type: "boolean" },
  influencer: { path: "organizations.influencer", type: "boolean" },
  externalId: { path: "externalId", type: "string" },
  createdAt: { path: "createdAt", type: "date", sortable: true },
  updatedAt: { path: "updatedAt", type: "date", sortable: true },
  lastInteractionAt: { path: "lastInteractionAt", type: "date" },
};

const CUSTOM_TYPES: Record<CustomFieldDefinition["type"], FieldSpec["type"]> = {
  text: "string",
  number: "number",
  boolean: "boolean",
  date: "date",
  select: "enum",
};

/** The list fields plus the tenant's custom fields, as custom.<key>. */
export function contactListFields(definitions: CustomFieldDefinition[]): FieldSpecs {
  const custom = Object.fromEntries(
    definitions.map((definition): [string, FieldSpec] => [
      `custom.${definition.key}`,
      {
        path: `customFields.${definition.key}`,
        type: CUSTOM_TYPES[definition.type],
        ...(definition.type === "select" ? { values: definition.options } : {}),
      },
    ]),
  );
  return { ...CONTACT_LIST_FIELDS, ...custom };
}

export const DEFAULT_CONTACT_ORDER = { field: "createdAt", descending: true };

export const ORGANIZATION_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  type,
  name: { path: "name", type: "string", sortable: true },
  domain: { path: "domain", type: "string", normalise: normaliseDomain },
  industry: { path: "industry", type: "string" },
  size: { path: "size", type: "string" },
  parentId: { path: "parentId", type: "string" },
  tags: { path: "tags", type: "string", normalise: normaliseTag },
  ownerId: { path: "ownerId", type: "string" },
  country: { path: "addresses.country", type: "string", normalise: normaliseCountry },
  createdAt: { path: "createdAt", type: "date", sortable: true },
  updatedAt: { path: "updatedAt", type: "date", sortable: true },
};
