import { ValidationError, type FieldViolation } from "@crm/kit";
import { ADDRESS_TYPES, type PostalAddress, type RelationshipType } from "./contact";
import { caseName, isCountryCode, isDomain, normaliseCountry, normaliseDomain, normaliseTag, tidyText } from "./normalise";

export const ORGANIZATION_SIZES = ["1-10", "11-50", "51-200", "201-1000", "1001-5000", "5001+"] as const;

export interface Money { currencyCode: string; amount: string }

export interface OrganizationFields {
  name: string;
  domain: string;
  industry: string;
  size: string;
  annualRevenue: Money | undefined;
  addresses: PostalAddress[];
  parentId: string;
  relationshipType: RelationshipType;
  tags: string[];
  ownerId: string;
  externalId: string;
}

export interface Organization extends OrganizationFields {
  id: string;
  tenantId: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export type OrganizationDraft = Omit<OrganizationFields, "relationshipType"> & { relationshipType: RelationshipType | undefined };

export const ORGANIZATION_FIELD_NAMES = [
  "name", "domain", "industry", "size", "annualRevenue", "addresses", "parentId", "relationshipType", "tags", "ownerId", "externalId",
] as const satisfies ReadonlyArray<keyof OrganizationFields>;

const CURRENCY = /^[A-Z]{3}$/;
const AMOUNT = /^\d{1,15}(\.\d{1,2})?$/;

export function prepareOrganization(draft: OrganizationDraft): OrganizationFields {
  const violations: FieldViolation[] = [];
  const violation = (field: string, description: string) => violations.push({ field: `organization.${field}`, description });
  const name = tidyText(draft.name);
  if (!name) violation("name", "is required");
  if (name.length > 200) violation("name", "must be at most 200 characters");
  const domain = normaliseDomain(draft.domain);
  if (domain && !isDomain(domain)) violation("domain", "is not a web domain, e.g. example.com");
  const size = draft.size.trim();
  if (size && !(ORGANIZATION_SIZES as readonly string[]).includes(size)) violation("size", `must be one of: ${ORGANIZATION_SIZES.join(", ")}`);
  let annualRevenue: Money | undefined;
  if (draft.annualRevenue && (draft.annualRevenue.amount || draft.annualRevenue.currencyCode)) {
    const currencyCode = draft.annualRevenue.currencyCode.trim().toUpperCase();
    const amount = draft.annualRevenue.amount.trim();
    if (!CURRENCY.test(currencyCode)) violation("annualRevenue.currencyCode", "must be an ISO 4217 code, e.g. EUR");
    if (!AMOUNT.test(amount)) violation("annualRevenue.amount", "must be a non-negative decimal with at most 2 decimals");
    annualRevenue = { currencyCode, amount };
  }
  const addresses = draft.addresses.slice(0, 20).map((address, index) => {
    const country = normaliseCountry(address.country);
    if (country && !isCountryCode(country)) violation(`addresses[${index}].country`, "must be an ISO 3166-1 alpha-2 code, e.g. PL");
    const type = address.type || "work";
    if (!(ADDRESS_TYPES as readonly string[]).includes(type)) violation(`addresses[${index}].type`, `must be one of: ${ADDRESS_TYPES.join(", ")}`);
    return { type, lines: address.lines.map(tidyText).filter(Boolean).slice(0, 4), city: caseName(address.city), region: tidyText(address.region), postalCode: tidyText(address.postalCode).toUpperCase(), country };
  });
  const tags = [...new Set(draft.tags.map(normaliseTag).filter(Boolean))];
  if (tags.length > 50) violation("tags", "at most 50 tags");
  if (violations.length > 0) throw new ValidationError(violations, violations.map((v) => `${v.field}: ${v.description}`).join("; "));
  return {
    name,
    domain,
    industry: tidyText(draft.industry),
    size,
    annualRevenue,
    addresses,
    parentId: draft.parentId.trim(),
    relationshipType: draft.relationshipType ?? "prospect",
    tags,
    ownerId: tidyText(draft.ownerId),
    externalId: tidyText(draft.externalId),
  };
}

export function emptyOrganizationDraft(): OrganizationDraft {
  return { name: "", domain: "", industry: "", size: "", annualRevenue: undefined, addresses: [], parentId: "", relationshipType: undefined, tags: [], ownerId: "", externalId: "" };
}

/** The editable fields of a stored organisation, to apply a partial update on top of them. */
export function organizationDraftOf(organization: Organization): OrganizationFields {
  const { id: _id, tenantId: _t, createdAt: _c, updatedAt: _u, version: _v, ...fields } = organization;
  return fields;
}
