import { ValidationError, type FieldViolation } from "@crm/kit";

export const RELATIONSHIP_TYPES = ["prospect", "customer", "partner", "supplier", "competitor", "other"] as const;
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];

/** A contact as the domain sees it, whatever the transport or the storage. */
export interface Contact {
  id: string;
  tenantId: string;
  givenName: string;
  familyName: string;
  displayName: string;
  email: string | undefined;
  phone: string | undefined;
  title: string;
  relationshipType: RelationshipType;
  tags: string[];
  country: string | undefined;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** What a caller provides to create a contact, before validation. */
export interface ContactDraft {
  givenName: string;
  familyName: string;
  displayName: string;
  email: string;
  phone: string;
  title: string;
  relationshipType: RelationshipType | undefined;
  tags: string[];
  country: string;
}

export type NewContact = Omit<Contact, "id" | "tenantId" | "createdAt" | "updatedAt" | "version">;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const COUNTRY = /^[A-Z]{2}$/;
const MAX_NAME = 200;
const MAX_TAGS = 50;

/** Collapses inner whitespace and trims, so "  Ada   Lovelace " is stored as "Ada Lovelace". */
export function tidyText(value: string): string {
  return value.normalize("NFC").replace(/\s+/g, " ").trim();
}

export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** Keeps digits and a leading +; "+44 (20) 7946-0958" becomes "+442079460958". */
export function normalisePhone(value: string): string {
  const trimmed = value.trim();
  return (trimmed.startsWith("+") ? "+" : "") + trimmed.replace(/\D/g, "");
}

export function normaliseTag(value: string): string {
  return tidyText(value).toLowerCase();
}

/**
 * Validates and standardises a draft. Every problem is reported at once, each with its field,
 * so that a client can show them all; nothing is stored unless the whole draft is valid.
 */
export function prepareNewContact(draft: ContactDraft): NewContact {
  const violations: FieldViolation[] = [];
  const violation = (field: string, description: string) => violations.push({ field: `contact.${field}`, description });

  const givenName = tidyText(draft.givenName);
  const familyName = tidyText(draft.familyName);
  const email = draft.email.trim() ? normaliseEmail(draft.email) : undefined;
  const phone = draft.phone.trim() ? normalisePhone(draft.phone) : undefined;
  const displayName = tidyText(draft.displayName) || [givenName, familyName].filter(Boolean).join(" ") || email || "";
  const country = draft.country.trim() ? draft.country.trim().toUpperCase() : undefined;
  const tags = [...new Set(draft.tags.map(normaliseTag).filter(Boolean))];

  if (!givenName && !familyName && !email) violation("givenName", "a contact needs a name or an e-mail address");
  for (const [field, value] of [["givenName", givenName], ["familyName", familyName], ["displayName", displayName]] as const) {
    if (value.length > MAX_NAME) violation(field, `must be at most ${MAX_NAME} characters`);
  }
  if (email !== undefined && (!EMAIL.test(email) || email.length > 254)) violation("email", "is not a valid e-mail address");
  if (phone !== undefined && !E164.test(phone)) {
    violation("phone", "must be an international number with country code, e.g. +44 20 7946 0958");
  }
  if (country !== undefined && !COUNTRY.test(country)) violation("country", "must be an ISO 3166-1 alpha-2 code, e.g. PL");
  if (tags.length > MAX_TAGS) violation("tags", `at most ${MAX_TAGS} tags`);
  if (tags.some((tag) => tag.length > 50)) violation("tags", "each tag is at most 50 characters");
  if (violations.length > 0) throw new ValidationError(violations, violations.map((v) => `${v.field}: ${v.description}`).join("; "));

  return {
    givenName,
    familyName,
    displayName,
    email,
    phone,
    title: tidyText(draft.title),
    relationshipType: draft.relationshipType ?? "prospect",
    tags,
    country,
  };
}
