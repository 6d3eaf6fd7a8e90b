import type { FieldSpecs } from "@crm/kit";
import { normaliseEmail, normaliseTag, RELATIONSHIP_TYPES } from "./contact";

/** What ListContacts may filter and order by: the API name, the stored path and the type. */
export const CONTACT_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  type: { path: "relationshipType", type: "enum", values: RELATIONSHIP_TYPES, normalise: (v) => v.toLowerCase() },
  email: { path: "email", type: "string", normalise: normaliseEmail },
  givenName: { path: "givenName", type: "string" },
  familyName: { path: "familyName", type: "string", sortable: true },
  displayName: { path: "displayName", type: "string", sortable: true },
  country: { path: "country", type: "string", normalise: (v) => v.trim().toUpperCase() },
  tags: { path: "tags", type: "string", normalise: normaliseTag },
  createdAt: { path: "createdAt", type: "date", sortable: true },
  updatedAt: { path: "updatedAt", type: "date", sortable: true },
};

export const DEFAULT_CONTACT_ORDER = { field: "createdAt", descending: true };
