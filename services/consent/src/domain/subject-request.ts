import { UUID_PATTERN, ValidationError, type FieldViolation } from "@crm/kit";
import { normaliseAddress } from "./suppression";

export const SUBJECT_REQUEST_KINDS = ["access", "erasure"] as const;
export type SubjectRequestKind = (typeof SUBJECT_REQUEST_KINDS)[number];
export type SubjectRequestStatus = "in_progress" | "completed";

const MAX_IDENTIFIERS = 20;
/** Questions to a service that has not answered are spaced out up to this. */
const MAX_ASK_INTERVAL_MS = 3600_000;

/** Who a request is about: the contact and the identifiers that find records without its id. */
export interface Subject {
  contactId: string;
  emails: string[];
  phones: string[];
}

/** One service's part in a request. */
export interface ServiceProgress {
  done: boolean;
  erased: number;
  anonymised: number;
  /** Records in its part of an export. */
  records: number;
  doneAt?: Date | undefined;
  asks: number;
  lastAskAt?: Date | undefined;
  lastError: string;
}

export interface SubjectRequestDraft {
  kind: SubjectRequestKind | "";
  subjectId: string;
  emails: string[];
  phones: string[];
}

/** The kind and the subject, identifiers normalised (as the services compare them) and without repeats. */
export function prepareSubjectRequest(draft: SubjectRequestDraft): { kind: SubjectRequestKind; subject: Subject } {
  const emails = draft.emails.map((email) => normaliseAddress("email", email));
  const phones = draft.phones.map((phone) => normaliseAddress("phone", phone));
  const violations: FieldViolation[] = [
    ...(draft.kind ? [] : [{ field: "request.kind", description: "is required (access or erasure)" }]),
    ...(UUID_PATTERN.test(draft.subjectId) ? [] : [{ field: "request.subjectId", description: "is not a contact id (a lower-case UUID)" }]),
    ...(emails.length > MAX_IDENTIFIERS ? [{ field: "request.emails", description: `takes at most ${MAX_IDENTIFIERS}` }] : []),
    ...(phones.length > MAX_IDENTIFIERS ? [{ field: "request.phones", description: `takes at most ${MAX_IDENTIFIERS}` }] : []),
    ...emails.flatMap((email, i) => (email ? [] : [{ field: `request.emails[${i}]`, description: "is not an e-mail address" }])),
    ...phones.flatMap((phone, i) => (phone ? [] : [{ field: `request.phones[${i}]`, description: "is not a phone number" }])),
  ];
  if (violations.length > 0) throw new ValidationError(violations);
  return {
    kind: draft.kind as SubjectRequestKind,
    subject: { contactId: draft.subjectId, emails: [...new Set(emails as string[])], phones: [...new Set(phones as string[])] },
  };
}

/** Every participant, not asked yet. */
export function initialProgress(services: string[]): Record<string, ServiceProgress> {
  return Object.fromEntries(services.map((service) => [service, { done: false, erased: 0, anonymised: 0, records: 0, asks: 0, lastError: "" }]));
}

export function pendingServices(progress: Record<string, ServiceProgress>): string[] {
  return Object.entries(progress)
    .filter(([, part]) => !part.done)
    .map(([service]) => service);
}

/** The wait before asking again after `asks` questions: doubling from `baseMs`, at most an hour. */
export function nextAskDelay(asks: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, asks - 1), Math.max(baseMs, MAX_ASK_INTERVAL_MS));
}
