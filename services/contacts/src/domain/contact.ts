import { ValidationError, type FieldViolation } from "@crm/kit";
import { customValueText, type CustomFieldDefinition, type CustomValue, validateCustomValues } from "./custom-fields";
import { caseName, isCountryCode, isEmail, normaliseCountry, normaliseEmail, normalisePhone, normaliseTag, tidyText } from "./normalise";

export const RELATIONSHIP_TYPES = ["prospect", "customer", "partner", "supplier", "competitor", "other"] as const;
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];
export const EMAIL_TYPES = ["work", "home", "other"] as const;
export const PHONE_TYPES = ["mobile", "work", "home", "fax", "other"] as const;
export const ADDRESS_TYPES = ["work", "home", "billing", "shipping", "other"] as const;
export const CHANNELS = ["email", "phone", "sms", "mail", "none"] as const;

export interface EmailAddress { address: string; type: string; primary: boolean }
export interface PhoneNumber { number: string; type: string; primary: boolean }
export interface PostalAddress { type: string; lines: string[]; city: string; region: string; postalCode: string; country: string }
export interface CommunicationPreferences { preferredChannel: string; doNotEmail: boolean; doNotCall: boolean; doNotMail: boolean }
export interface OrganizationLink { organizationId: string; role: string; decisionMaker: boolean; influencer: boolean }

/** The fields a caller sets, validated and standardised. */
export interface ContactFields {
  givenName: string;
  familyName: string;
  displayName: string;
  title: string;
  jobRole: string;
  emails: EmailAddress[];
  phones: PhoneNumber[];
  addresses: PostalAddress[];
  language: string;
  timeZone: string;
  birthday: string;
  interests: string[];
  preferences: Record<string, string>;
  communication: CommunicationPreferences;
  leadSource: string;
  ownerId: string;
  relationshipType: RelationshipType;
  tags: string[];
  customFields: Record<string, CustomValue>;
  organizations: OrganizationLink[];
  externalId: string;
}

/**
 * A contact's lifecycle; `hidden` is never stored: a duplicate check marks so a stored record
 * that the caller may not see (record-level permissions), neither a candidate nor a create in flight.
 */
export type ContactState = "active" | "merged" | "deleted" | "erased" | "hidden";

/** A stored contact as the domain sees it, whatever the transport or the storage. */
export interface Contact extends ContactFields {
  id: string;
  tenantId: string;
  state: ContactState;
  mergedInto?: string;
  lastInteractionAt?: Date;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string;
  updatedBy: string;
  version: number;
}

/** What a caller provides, before validation: every field as sent, lists possibly empty. */
export type ContactDraft = Omit<ContactFields, "relationshipType" | "customFields"> & {
  relationshipType: RelationshipType | undefined;
  customFields: Record<string, string>;
  /** Region for phone numbers without a country code. */
  defaultPhoneRegion: string;
};

export const CONTACT_FIELD_NAMES = [
  "givenName", "familyName", "displayName", "title", "jobRole", "emails", "phones", "addresses", "language",
  "timeZone", "birthday", "interests", "preferences", "communication", "leadSource", "ownerId", "relationshipType",
  "tags", "customFields", "organizations", "externalId",
] as const satisfies ReadonlyArray<keyof ContactFields>;
export type ContactFieldName = (typeof CONTACT_FIELD_NAMES)[number];

const MAX_TEXT = 200;
const MAX_LIST = 20;
const MAX_TAGS = 50;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const BIRTHDAY = /^(\d{4}|-)-(\d{2})-(\d{2})$/;
const PREFERENCE_KEY = /^[\p{L}\p{N}_ -]{1,50}$/u;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function emptyDraft(): ContactDraft {
  return {
    givenName: "", familyName: "", displayName: "", title: "", jobRole: "", emails: [], phones: [], addresses: [],
    language: "", timeZone: "", birthday: "", interests: [], preferences: {},
    communication: { preferredChannel: "", doNotEmail: false, doNotCall: false, doNotMail: false },
    leadSource: "", ownerId: "", relationshipType: undefined, tags: [], customFields: {}, organizations: [], externalId: "",
    defaultPhoneRegion: "",
  };
}

/**
 * Validates and standardises a draft. Every problem is reported at once, each with its field,
 * so that a client can show them all; nothing is stored unless the whole draft is valid.
 */
export function prepareContact(draft: ContactDraft, definitions: CustomFieldDefinition[], prefix = "contact"): ContactFields {
  const violations: FieldViolation[] = [];
  const violation = (field: string, description: string) => violations.push({ field: `${prefix}.${field}`, description });
  const text = (field: string, value: string, max = MAX_TEXT) => {
    const tidy = tidyText(value);
    if (tidy.length > max) violation(field, `must be at most ${max} characters`);
    return tidy;
  };
  const list = <T>(field: string, values: T[], max = MAX_LIST) => {
    if (values.length > max) violation(field, `takes at most ${max} entries`);
    return values.slice(0, max);
  };

  const givenName = caseName(text("givenName", draft.givenName));
  const familyName = caseName(text("familyName", draft.familyName));
  const addresses = list("addresses", draft.addresses).map((address, index) => {
    const country = normaliseCountry(address.country);
    if (country && !isCountryCode(country)) violation(`addresses[${index}].country`, "must be an ISO 3166-1 alpha-2 code, e.g. PL");
    if (!oneOf(address.type || "other", ADDRESS_TYPES)) violation(`addresses[${index}].type`, `must be one of: ${ADDRESS_TYPES.join(", ")}`);
    return {
      type: address.type || "other",
      lines: address.lines.map(tidyText).filter(Boolean).slice(0, 4),
      city: caseName(text(`addresses[${index}].city`, address.city)),
      region: tidyText(address.region),
      postalCode: tidyText(address.postalCode).toUpperCase(),
      country,
    };
  });
  const emails = primaryFirst(
    list("emails", draft.emails).map((email, index) => {
      const address = normaliseEmail(email.address);
      if (!isEmail(address)) violation(`emails[${index}].address`, "is not a valid e-mail address");
      if (!oneOf(email.type || "work", EMAIL_TYPES)) violation(`emails[${index}].type`, `must be one of: ${EMAIL_TYPES.join(", ")}`);
      return { address, type: email.type || "work", primary: email.primary };
    }),
    (email) => email.address,
  );
  const region = normaliseCountry(draft.defaultPhoneRegion) || addresses.find((a) => a.country)?.country;
  const phones = primaryFirst(
    list("phones", draft.phones).map((phone, index) => {
      const parsed = normalisePhone(phone.number, region);
      if (!parsed.ok) violation(`phones[${index}].number`, parsed.reason);
      if (!oneOf(phone.type || "mobile", PHONE_TYPES)) violation(`phones[${index}].type`, `must be one of: ${PHONE_TYPES.join(", ")}`);
      return { number: parsed.ok ? parsed.e164 : phone.number, type: phone.type || "mobile", primary: phone.primary };
    }),
    (phone) => phone.number,
  );
  // Every stored contact has a display name: the one given, else the names, else the primary
  // e-mail or phone. A contact with none of these cannot be shown, so it is refused.
  const displayName = text("displayName", draft.displayName) || [givenName, familyName].filter(Boolean).join(" ") || emails[0]?.address || phones[0]?.number || "";
  if (!displayName) violation("givenName", "a contact needs a name, an e-mail address or a phone number");

  const language = draft.language.trim();
  if (language && !LANGUAGE.test(language)) violation("language", "must be a BCP 47 tag, e.g. en-GB");
  const timeZone = draft.timeZone.trim();
  if (timeZone && !isTimeZone(timeZone)) violation("timeZone", "must be an IANA time zone, e.g. Europe/Warsaw");
  const birthday = draft.birthday.trim();
  if (birthday && !isBirthday(birthday)) violation("birthday", "must be YYYY-MM-DD, or --MM-DD without the year");

  const communication = { ...draft.communication, preferredChannel: draft.communication.preferredChannel.trim().toLowerCase() };
  if (communication.preferredChannel && !oneOf(communication.preferredChannel, CHANNELS)) {
    violation("communication.preferredChannel", `must be one of: ${CHANNELS.join(", ")}`);
  }
  const tags = [...new Set(draft.tags.map(normaliseTag).filter(Boolean))];
  if (tags.length > MAX_TAGS) violation("tags", `at most ${MAX_TAGS} tags`);
  if (tags.some((tag) => tag.length > 50)) violation("tags", "each tag is at most 50 characters");
  const interests = [...new Set(list("interests", draft.interests, 50).map((i) => tidyText(i)).filter(Boolean))];
  const preferences = Object.fromEntries(Object.entries(draft.preferences).map(([k, v]) => [tidyText(k), tidyText(v)]).filter(([k]) => k));
  if (Object.keys(preferences).length > 50) violation("preferences", "takes at most 50 entries");
  for (const key of Object.keys(preferences)) {
    if (!PREFERENCE_KEY.test(key)) violation(`preferences.${key}`, "keys are letters, digits, spaces, - and _, at most 50");
  }
  const organizations = list("organizations", draft.organizations).map((link, index) => {
    if (!ID.test(link.organizationId)) violation(`organizations[${index}].organizationId`, "is not an organisation id");
    return { ...link, role: text(`organizations[${index}].role`, link.role) };
  });
  if (new Set(organizations.map((o) => o.organizationId)).size !== organizations.length) {
    violation("organizations", "names an organisation twice");
  }
  const customFields = validateCustomValues(draft.customFields, definitions, (field, description) => violation(`customFields.${field}`, description));
  const externalId = text("externalId", draft.externalId, 100);

  if (violations.length > 0) throw new ValidationError(violations, violations.map((v) => `${v.field}: ${v.description}`).join("; "));
  return {
    givenName,
    familyName,
    displayName,
    title: text("title", draft.title),
    jobRole: text("jobRole", draft.jobRole),
    emails,
    phones,
    addresses,
    language,
    timeZone,
    birthday,
    interests,
    preferences,
    communication,
    leadSource: text("leadSource", draft.leadSource, 100).toLowerCase(),
    ownerId: text("ownerId", draft.ownerId, 100),
    relationshipType: draft.relationshipType ?? "prospect",
    tags,
    customFields,
    organizations,
    externalId,
  };
}

/** The draft of a stored contact, to apply a partial update on top of it. */
export function toDraft(fields: ContactFields): ContactDraft {
  const customFields = Object.fromEntries(Object.entries(fields.customFields).map(([k, v]) => [k, customValueText(v)]));
  return { ...structuredClone({ ...fields, customFields: {} }), customFields, defaultPhoneRegion: "" };
}

/** Keeps one entry per key, the primary one first; the first entry is primary when none is. */
function primaryFirst<T extends { primary: boolean }>(entries: T[], key: (entry: T) => string): T[] {
  const unique = [...new Map(entries.map((entry) => [key(entry), entry])).values()];
  const primary = unique.findIndex((entry) => entry.primary);
  const ordered = primary > 0 ? [unique[primary]!, ...unique.filter((_, i) => i !== primary)] : unique;
  return ordered.map((entry, index) => ({ ...entry, primary: index === 0 }));
}

function oneOf(value: string, allowed: readonly string[]): boolean {
  return allowed.includes(value);
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return value.includes("/") || value === "UTC";
  } catch {
    return false;
  }
}

function isBirthday(value: string): boolean {
  const match = BIRTHDAY.exec(value);
  if (!match) return false;
  const year = match[1] === "-" ? 2000 : Number(match[1]);
  const date = new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3])));
  return date.getUTCMonth() === Number(match[2]) - 1 && date.getUTCDate() === Number(match[3]) && year >= 1900 && date <= new Date();
}
