import { ValidationError, type FieldViolation, type RecordAudit } from "@crm/kit";

/** Article 6 GDPR: why personal data may be processed for a purpose. */
export const LAWFUL_BASES = ["consent", "contract", "legitimate_interest", "legal_obligation", "vital_interest", "public_task"] as const;
export type LawfulBasis = (typeof LAWFUL_BASES)[number];

/** Whether a subject with no record may be contacted: opt-out (yes, until they object) or opt-in (no). */
export const OPT_MODES = ["opt_in", "opt_out"] as const;
export type OptMode = (typeof OPT_MODES)[number];

const MAX_NAME = 200;
const MAX_DESCRIPTION = 2_000;
const MAX_NOTICE = 20_000;
const MAX_DAYS = 36_500;
const KEY_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_KEY = 60;

/** One version of the text subjects see; a version that requires renewal voids grants under older ones. */
export interface Notice {
  version: number;
  text: string;
  requiresRenewal: boolean;
  publishedAt: Date;
  publishedBy: string;
}

/** What a client writes; absent values are empty ("", 0). */
export interface PurposeDraft {
  name: string;
  key: string;
  description: string;
  lawfulBasis: LawfulBasis | "";
  retentionDays: number;
  consentValidityDays: number;
  optMode: OptMode | "";
  noticeText: string;
}

/** The fields of a purpose, validated and standardised. */
export interface PurposeFields {
  name: string;
  key: string;
  description: string;
  lawfulBasis: LawfulBasis;
  retentionDays: number;
  consentValidityDays: number;
  optMode: OptMode;
}

/** A purpose as stored: its fields, its notices, its tenant, who made it and when, its version. */
export interface Purpose extends PurposeFields, RecordAudit {
  id: string;
  tenantId: string;
  /** Oldest first; the last is the current one. */
  notices: Notice[];
  /** Grants under an older notice version no longer count (0: all do). */
  renewalRequiredFrom: number;
}

/** The fields an update may change; the lawful basis and the opt mode are what subjects agreed to, and stay. */
export const UPDATABLE_FIELDS = ["name", "description", "retentionDays", "consentValidityDays"] as const;
type UpdatableField = (typeof UPDATABLE_FIELDS)[number];

/**
 * The rules every create follows: a name, a key (from the name when not given), a lawful basis,
 * days within bounds, opt-in for consent, the first notice's text. Every problem is reported at once.
 */
export function preparePurpose(draft: PurposeDraft): PurposeFields & { noticeText: string } {
  const name = tidy(draft.name);
  const key = draft.key.trim() || slug(name);
  const lawfulBasis = draft.lawfulBasis;
  const optMode = draft.optMode || "opt_in";
  const noticeText = draft.noticeText.trim();
  const violations: FieldViolation[] = [
    ...nameViolations(name),
    ...(KEY_PATTERN.test(key) && key.length <= MAX_KEY ? [] : [violation("key", `must be lower-case words and digits joined by dashes, at most ${MAX_KEY} characters (e.g. marketing-email)`)]),
    ...(lawfulBasis ? [] : [violation("lawfulBasis", `is required (one of: ${LAWFUL_BASES.join(", ")})`)]),
    ...(lawfulBasis === "consent" && optMode !== "opt_in" ? [violation("optMode", "must be opt_in when the lawful basis is consent: silence is not consent")] : []),
    ...descriptionViolations(draft.description),
    ...daysViolations("retentionDays", draft.retentionDays),
    ...daysViolations("consentValidityDays", draft.consentValidityDays),
    ...noticeViolations("purpose.noticeText", noticeText),
  ];
  if (violations.length > 0) throw new ValidationError(violations);
  return {
    name,
    key,
    description: draft.description.trim(),
    lawfulBasis: lawfulBasis as LawfulBasis,
    retentionDays: draft.retentionDays,
    consentValidityDays: draft.consentValidityDays,
    optMode,
    noticeText,
  };
}

/**
 * The purpose with the masked fields of the draft applied, and the fields that changed. Mask
 * paths may be spelled as in the proto (retention_days) or in JSON (retentionDays).
 */
export function applyPurposeUpdate(purpose: Purpose, draft: PurposeDraft, mask: string[]): { purpose: Purpose; changed: UpdatableField[] } {
  const fields = mask.map((path) => path.replace(/_([a-z])/g, (_m, letter: string) => letter.toUpperCase()));
  if (fields.length === 0) throw ValidationError.field("updateMask", `names the fields to change (any of: ${UPDATABLE_FIELDS.join(", ")})`);
  const unknown = fields.filter((field) => !(UPDATABLE_FIELDS as readonly string[]).includes(field));
  if (unknown.length > 0) throw ValidationError.field("updateMask", `cannot change ${unknown.join(", ")} (only ${UPDATABLE_FIELDS.join(", ")})`);
  const cleaned: Pick<Purpose, UpdatableField> = {
    name: tidy(draft.name),
    description: draft.description.trim(),
    retentionDays: draft.retentionDays,
    consentValidityDays: draft.consentValidityDays,
  };
  const next: Purpose = { ...purpose };
  for (const field of fields as UpdatableField[]) Object.assign(next, { [field]: cleaned[field] });
  const violations = [
    ...nameViolations(next.name),
    ...descriptionViolations(next.description),
    ...daysViolations("retentionDays", next.retentionDays),
    ...daysViolations("consentValidityDays", next.consentValidityDays),
  ];
  if (violations.length > 0) throw new ValidationError(violations);
  const changed = [...new Set(fields as UpdatableField[])].filter((field) => next[field] !== purpose[field]);
  return { purpose: next, changed };
}

/** The purpose with a new notice version; one that requires renewal voids grants under the versions before. */
export function withNewNotice(purpose: Purpose, text: string, requiresRenewal: boolean, publishedBy: string, at: Date): Purpose {
  const violations = noticeViolations("text", text.trim());
  if (violations.length > 0) throw new ValidationError(violations);
  const version = currentNoticeVersion(purpose) + 1;
  return {
    ...purpose,
    notices: [...purpose.notices, { version, text: text.trim(), requiresRenewal, publishedAt: at, publishedBy }],
    renewalRequiredFrom: requiresRenewal ? version : purpose.renewalRequiredFrom,
  };
}

export function currentNoticeVersion(purpose: Pick<Purpose, "notices">): number {
  return purpose.notices.at(-1)?.version ?? 0;
}

function tidy(text: string): string {
  return text.trim().replace(/\s+/g, " ");
}

/** Letters that no Unicode decomposition brings to ASCII. */
const UNDECOMPOSED: Record<string, string> = { ł: "l", ø: "o", đ: "d", ß: "ss", æ: "ae", œ: "oe", þ: "th" };

/** A key from a name: "Marketing e-mail (Łódź)" -> "marketing-e-mail-lodz". */
function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[łøđßæœþ]/g, (letter) => UNDECOMPOSED[letter]!)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .replace(/^[^a-z]+/, "")
    .slice(0, MAX_KEY)
    .replace(/-+$/, "");
}

const violation = (field: string, description: string): FieldViolation => ({ field: `purpose.${field}`, description });

function nameViolations(name: string): FieldViolation[] {
  if (!name) return [violation("name", "is required")];
  return name.length > MAX_NAME ? [violation("name", `must be at most ${MAX_NAME} characters`)] : [];
}

function descriptionViolations(description: string): FieldViolation[] {
  return description.length > MAX_DESCRIPTION ? [violation("description", `must be at most ${MAX_DESCRIPTION} characters`)] : [];
}

function daysViolations(field: string, days: number): FieldViolation[] {
  return Number.isInteger(days) && days >= 0 && days <= MAX_DAYS ? [] : [violation(field, `must be a whole number of days from 0 to ${MAX_DAYS}`)];
}

/** `field` is the full path: the notice is a purpose's field on create, the request's own on publish. */
function noticeViolations(field: string, text: string): FieldViolation[] {
  if (!text) return [{ field, description: "is required: the text subjects see" }];
  return text.length > MAX_NOTICE ? [{ field, description: `must be at most ${MAX_NOTICE} characters` }] : [];
}
