import { UUID_PATTERN, ValidationError, type FieldViolation, type RecordAudit } from "@crm/kit";
import { detailTexts, prepareDetails, type InteractionDetails, type InteractionKind } from "./interaction-details";
import type { RecordRef } from "./links";
import { searchTokens } from "./text-search";

const MAX_CONTACTS = 50;
const MAX_SUBJECT = 500;
const MAX_BODY = 100_000;
const MAX_OWNER = 100;
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/** What a client writes: every common field, and the details of one kind. */
export interface InteractionDraft {
  occurredAt: Date | undefined;
  ownerId: string;
  contactIds: string[];
  organizationId: string;
  dealId: string;
  ticketId: string;
  subject: string;
  body: string;
  details: InteractionDetails | undefined;
}

/** The fields of an interaction, validated and standardised: a time and details always. Free text is kept as given. */
export interface InteractionFields extends Omit<InteractionDraft, "occurredAt" | "details"> {
  occurredAt: Date;
  details: InteractionDetails;
}

/** Deleted and erased interactions stay as stubs without content, so that their events are kept with them. */
export type InteractionState = "active" | "deleted" | "erased";

export interface Interaction extends InteractionFields, RecordAudit {
  id: string;
  tenantId: string;
  state: InteractionState;
  /** As read from storage: its contacts as they stand now, a merged one as the contact it was merged into. */
  contactsNow?: string[];
}

export const INTERACTION_FIELD_NAMES = ["occurTime", "ownerId", "contactIds", "organizationId", "dealId", "ticketId", "subject", "body", "details"] as const;
export type InteractionFieldName = (typeof INTERACTION_FIELD_NAMES)[number];

export const kindOf = (interaction: Pick<InteractionFields, "details">): InteractionKind => interaction.details.kind;

/**
 * The rules every write follows: one to fifty contacts, ids this platform issues, a time
 * (now when none is given), bounded free text, and the details of one kind. The owner defaults to
 * the writer. Every problem is reported at once.
 */
export function prepareInteraction(draft: InteractionDraft, writer: string, now = new Date()): InteractionFields {
  const violations: FieldViolation[] = [];
  const fail = (field: string, description: string) => violations.push({ field: `interaction.${field}`, description });
  const contactIds = [...new Set(draft.contactIds.map((id) => id.trim()))];
  if (contactIds.length === 0) fail("contactIds", "needs at least one contact");
  if (contactIds.length > MAX_CONTACTS) fail("contactIds", `takes at most ${MAX_CONTACTS} contacts`);
  contactIds.forEach((id, i) => UUID_PATTERN.test(id) || fail(`contactIds[${i}]`, "is not an id this API issued"));
  const ids = { organizationId: draft.organizationId.trim(), dealId: draft.dealId.trim(), ticketId: draft.ticketId.trim() };
  for (const [field, id] of Object.entries(ids)) if (id && !UUID_PATTERN.test(id)) fail(field, "is not an id this API issued");
  const occurredAt = draft.occurredAt ?? now;
  if (Number.isNaN(occurredAt.getTime()) || occurredAt.getTime() < EARLIEST || occurredAt.getTime() >= LATEST) fail("occurTime", "must be between 1970 and 2100");
  const ownerId = draft.ownerId.trim() || writer;
  if (ownerId.length > MAX_OWNER) fail("ownerId", `must be at most ${MAX_OWNER} characters`);
  if (draft.subject.length > MAX_SUBJECT) fail("subject", `must be at most ${MAX_SUBJECT} characters`);
  if (draft.body.length > MAX_BODY) fail("body", `must be at most ${MAX_BODY} characters`);
  if (!draft.details) {
    fail("details", "give the details of one kind: call, email, meeting, note, message or webVisit");
    throw new ValidationError(violations);
  }
  const prepared = prepareDetails(draft.details, `interaction.${detailsField(draft.details.kind)}`, occurredAt);
  violations.push(...prepared.violations);
  if (violations.length > 0) throw new ValidationError(violations);
  return { occurredAt, ownerId, contactIds, ...ids, subject: draft.subject, body: draft.body, details: prepared.details };
}

/** The field that carries a kind's details in the API: webVisit for web_visit. */
export const detailsField = (kind: InteractionKind): string => (kind === "web_visit" ? "webVisit" : kind);

/** The records an interaction links to: its contacts, and its organisation, deal and ticket when it has them. */
export function interactionLinks(fields: Pick<InteractionFields, "contactIds" | "organizationId" | "dealId" | "ticketId">): RecordRef[] {
  return [
    ...fields.contactIds.map((id) => ({ type: "contact", id })),
    ...(fields.organizationId ? [{ type: "organization", id: fields.organizationId }] : []),
    ...(fields.dealId ? [{ type: "deal", id: fields.dealId }] : []),
    ...(fields.ticketId ? [{ type: "ticket", id: fields.ticketId }] : []),
  ];
}

/** The search tokens of an interaction: its subject, body and the text of its details. */
export function interactionSearchTokens(fields: Pick<InteractionFields, "subject" | "body" | "details">): string[] {
  return searchTokens([fields.subject, ...detailTexts(fields.details), fields.body]);
}

/** The draft a stored interaction would be written as: the base an update's mask applies to. */
export function toInteractionDraft(fields: InteractionFields): InteractionDraft {
  const { occurredAt, ...rest } = fields;
  return { ...rest, occurredAt };
}
