import type { FieldViolation } from "@crm/kit";
import { emptyDraft, RELATIONSHIP_TYPES, type Contact, type ContactDraft, type RelationshipType } from "./contact";
import { customValueText } from "./custom-fields";
import { emptyOrganizationDraft, type OrganizationDraft } from "./organization";

/** Separates several values in one cell: "a@x.com; b@y.com". */
const LIST_SEPARATOR = /\s*;\s*/;

/** Columns of the contacts CSV, for import (as mapping targets) and export (as headers). */
export const CONTACT_COLUMNS = [
  "id", "givenName", "familyName", "displayName", "title", "jobRole", "email", "emails", "phone", "phones",
  "street", "city", "region", "postalCode", "country", "language", "timeZone", "birthday", "interests",
  "leadSource", "ownerId", "type", "tags", "externalId", "organizationId", "organizationRole", "decisionMaker", "influencer",
  "preferredChannel", "doNotEmail", "doNotCall", "doNotMail", "createdAt", "updatedAt",
] as const;
/** Columns an import may not set: the service owns them. */
const READ_ONLY_COLUMNS = new Set(["id", "createdAt", "updatedAt"]);

export const ORGANIZATION_COLUMNS = [
  "id", "name", "domain", "industry", "size", "annualRevenue", "currency", "street", "city", "region", "postalCode",
  "country", "parentId", "type", "tags", "ownerId", "externalId", "createdAt", "updatedAt",
] as const;

export type Row = Record<string, string>;

/** Checks a column mapping (CSV header -> column) for the entity; returns its violations. */
export function mappingViolations(mapping: Record<string, string>, entity: "contacts" | "organizations"): FieldViolation[] {
  const columns: readonly string[] = entity === "contacts" ? CONTACT_COLUMNS : ORGANIZATION_COLUMNS;
  return Object.entries(mapping).flatMap(([header, column]) =>
    READ_ONLY_COLUMNS.has(column) || !(columns.includes(column) || (entity === "contacts" && /^custom\.[a-z][A-Za-z0-9]{0,39}$/.test(column)))
      ? [{ field: `options.columnMapping.${header}`, description: `"${column}" is not a column an import can set` }]
      : [],
  );
}

/** The record of one CSV line, by column: mapped headers, or headers that are column names. */
export function toRow(record: Record<string, string | undefined>, mapping: Record<string, string>): Row {
  const row: Row = {};
  const hasMapping = Object.keys(mapping).length > 0;
  for (const [header, value] of Object.entries(record)) {
    const column = hasMapping ? mapping[header] : header.trim();
    if (column && value !== undefined && !READ_ONLY_COLUMNS.has(column)) row[column] = value;
  }
  return row;
}

/** A contact draft from a row; only non-empty cells count, so that an update keeps what the file leaves blank. */
export function contactDraftFromRow(row: Row, defaultPhoneRegion: string): { draft: ContactDraft; present: Set<keyof ContactDraft>; violations: FieldViolation[] } {
  const draft = emptyDraft();
  const present = new Set<keyof ContactDraft>();
  const violations: FieldViolation[] = [];
  const cell = (column: string) => (row[column] ?? "").trim();
  const set = <K extends keyof ContactDraft>(field: K, value: ContactDraft[K], when: boolean) => {
    if (!when) return;
    draft[field] = value;
    present.add(field);
  };
  for (const field of ["givenName", "familyName", "displayName", "title", "jobRole", "language", "timeZone", "birthday", "leadSource", "ownerId", "externalId"] as const) {
    set(field, cell(field), cell(field) !== "");
  }
  const emails = [cell("email"), ...cell("emails").split(LIST_SEPARATOR)].filter(Boolean);
  set("emails", emails.map((address, i) => ({ address, type: "work", primary: i === 0 })), emails.length > 0);
  const phones = [cell("phone"), ...cell("phones").split(LIST_SEPARATOR)].filter(Boolean);
  set("phones", phones.map((number, i) => ({ number, type: "mobile", primary: i === 0 })), phones.length > 0);
  const address = { type: "work", lines: cell("street") ? [cell("street")] : [], city: cell("city"), region: cell("region"), postalCode: cell("postalCode"), country: cell("country") };
  set("addresses", [address], Boolean(address.lines.length || address.city || address.region || address.postalCode || address.country));
  set("interests", cell("interests").split(LIST_SEPARATOR).filter(Boolean), cell("interests") !== "");
  set("tags", cell("tags").split(LIST_SEPARATOR).filter(Boolean), cell("tags") !== "");
  const type = cell("type").toLowerCase();
  if (type && !(RELATIONSHIP_TYPES as readonly string[]).includes(type)) violations.push({ field: "type", description: `must be one of: ${RELATIONSHIP_TYPES.join(", ")}` });
  else set("relationshipType", type as RelationshipType, type !== "");
  const flag = (column: string): boolean => {
    const value = cell(column).toLowerCase();
    if (value && !["true", "false", "yes", "no", "1", "0"].includes(value)) violations.push({ field: column, description: "must be true or false" });
    return ["true", "yes", "1"].includes(value);
  };
  if (cell("organizationId")) {
    const link = { organizationId: cell("organizationId"), role: cell("organizationRole"), decisionMaker: flag("decisionMaker"), influencer: flag("influencer") };
    set("organizations", [link], true);
  }
  const flags = ["doNotEmail", "doNotCall", "doNotMail"] as const;
  if (cell("preferredChannel") || flags.some((name) => cell(name))) {
    const communication = { ...draft.communication, preferredChannel: cell("preferredChannel") };
    for (const name of flags) communication[name] = flag(name);
    set("communication", communication, true);
  }
  const custom = Object.entries(row).filter(([column, value]) => column.startsWith("custom.") && value.trim() !== "");
  set("customFields", Object.fromEntries(custom.map(([column, value]) => [column.slice("custom.".length), value])), custom.length > 0);
  draft.defaultPhoneRegion = defaultPhoneRegion;
  return { draft, present, violations };
}

export function contactToRow(contact: Contact, customKeys: string[]): Row {
  const address = contact.addresses[0];
  const link = contact.organizations[0];
  return {
    id: contact.id,
    givenName: contact.givenName,
    familyName: contact.familyName,
    displayName: contact.displayName,
    title: contact.title,
    jobRole: contact.jobRole,
    email: contact.emails[0]?.address ?? "",
    emails: contact.emails.slice(1).map((e) => e.address).join("; "),
    phone: contact.phones[0]?.number ?? "",
    phones: contact.phones.slice(1).map((p) => p.number).join("; "),
    street: address?.lines.join(", ") ?? "",
    city: address?.city ?? "",
    region: address?.region ?? "",
    postalCode: address?.postalCode ?? "",
    country: address?.country ?? "",
    language: contact.language,
    timeZone: contact.timeZone,
    birthday: contact.birthday,
    interests: contact.interests.join("; "),
    leadSource: contact.leadSource,
    ownerId: contact.ownerId,
    type: contact.relationshipType,
    tags: contact.tags.join("; "),
    externalId: contact.externalId,
    organizationId: link?.organizationId ?? "",
    organizationRole: link?.role ?? "",
    decisionMaker: link ? String(link.decisionMaker) : "",
    influencer: link ? String(link.influencer) : "",
    preferredChannel: contact.communication.preferredChannel,
    doNotEmail: String(contact.communication.doNotEmail),
    doNotCall: String(contact.communication.doNotCall),
    doNotMail: String(contact.communication.doNotMail),
    createdAt: contact.createdAt.toISOString(),
    updatedAt: contact.updatedAt.toISOString(),
    ...Object.fromEntries(customKeys.map((key) => [`custom.${key}`, contact.customFields[key] === undefined ? "" : customValueText(contact.customFields[key]!)])),
  };
}

export function organizationDraftFromRow(row: Row): { draft: OrganizationDraft; present: Set<keyof OrganizationDraft>; violations: FieldViolation[] } {
  const draft = emptyOrganizationDraft();
  const present = new Set<keyof OrganizationDraft>();
  const violations: FieldViolation[] = [];
  const cell = (column: string) => (row[column] ?? "").trim();
  for (const field of ["name", "domain", "industry", "size", "parentId", "ownerId", "externalId"] as const) {
    if (cell(field)) {
      draft[field] = cell(field);
      present.add(field);
    }
  }
  if (cell("annualRevenue")) {
    draft.annualRevenue = { amount: cell("annualRevenue"), currencyCode: cell("currency") };
    present.add("annualRevenue");
  }
  const address = { type: "work", lines: cell("street") ? [cell("street")] : [], city: cell("city"), region: cell("region"), postalCode: cell("postalCode"), country: cell("country") };
  if (address.lines.length || address.city || address.country || address.postalCode) {
    draft.addresses = [address];
    present.add("addresses");
  }
  if (cell("tags")) {
    draft.tags = cell("tags").split(LIST_SEPARATOR).filter(Boolean);
    present.add("tags");
  }
  const type = cell("type").toLowerCase();
  if (type && !(RELATIONSHIP_TYPES as readonly string[]).includes(type)) violations.push({ field: "type", description: `must be one of: ${RELATIONSHIP_TYPES.join(", ")}` });
  else if (type) {
    draft.relationshipType = type as RelationshipType;
    present.add("relationshipType");
  }
  return { draft, present, violations };
}
