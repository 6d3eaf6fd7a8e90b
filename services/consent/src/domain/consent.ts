import { isIP } from "node:net";
import { UUID_PATTERN, ValidationError, type FieldViolation } from "@crm/kit";
import { currentNoticeVersion, type Purpose } from "./purpose";

/** Where a subject may be contacted; `any` speaks for every channel. */
export const CHANNELS = ["email", "phone", "sms", "post", "any"] as const;
export type Channel = (typeof CHANNELS)[number];
/** Channels a check asks about (not `any`). */
export type ContactChannel = Exclude<Channel, "any">;

export const ACTIONS = ["grant", "withdraw"] as const;
export type ConsentAction = (typeof ACTIONS)[number];
export type ConsentStatus = "granted" | "withdrawn";

export const SOURCES = ["form", "import", "api", "unsubscribe_link", "agent", "merge"] as const;
export type ConsentSource = (typeof SOURCES)[number];
/** Sources only the service writes. */
const SERVICE_SOURCES: readonly ConsentSource[] = ["merge"];

const MAX_USER_AGENT = 1_000;
const MAX_NOTE = 1_000;
/** Clocks differ: a time this far ahead of ours is still taken for now. */
const CLOCK_SKEW_MS = 5 * 60_000;
const DAY_MS = 24 * 3600_000;

/** A grant or withdrawal as a client states it; absent values are empty ("", 0, undefined). */
export interface ConsentDraft {
  subjectId: string;
  purposeId: string;
  channel: Channel | "";
  action: ConsentAction | "";
  source: ConsentSource | "";
  /** 0: the purpose's current notice. */
  noticeVersion: number;
  ipAddress: string;
  userAgent: string;
  occurredAt: Date | undefined;
  requestId: string;
  note: string;
}

/** A grant or withdrawal, checked against its purpose: what the ledger records. */
export interface ConsentChange {
  subjectId: string;
  purposeId: string;
  channel: Channel;
  action: ConsentAction;
  source: ConsentSource;
  noticeVersion: number;
  ipAddress: string;
  userAgent: string;
  occurredAt: Date;
  /** When a grant stops counting, by the purpose's validity. */
  expiresAt: Date | undefined;
  requestId: string;
  note: string;
}

export const statusOf = (action: ConsentAction): ConsentStatus => (action === "grant" ? "granted" : "withdrawn");

/** The ids a draft names, checked before anything is read: `field` is its path in the request (`consents[2]`). */
export function checkConsentIds(draft: ConsentDraft, field: string): void {
  const violations = [
    ...(UUID_PATTERN.test(draft.subjectId) ? [] : [{ field: `${field}.subjectId`, description: "is not a contact id (a lower-case UUID)" }]),
    ...(UUID_PATTERN.test(draft.purposeId) ? [] : [{ field: `${field}.purposeId`, description: "is not an id this API issued" }]),
  ];
  if (violations.length > 0) throw new ValidationError(violations);
}

/**
 * The rules of every grant and withdrawal: a channel, an action and a client source; a notice
 * version the purpose has (its current one when not given); a time not in the future; proof that
 * looks like what it claims. A grant expires by the purpose's validity. Every problem at once.
 */
export function prepareConsent(draft: ConsentDraft, purpose: Purpose | undefined, field: string, now: Date): ConsentChange {
  const at = draft.occurredAt ?? now;
  const noticeVersion = draft.noticeVersion || (purpose ? currentNoticeVersion(purpose) : 0);
  const violations: FieldViolation[] = [
    ...(purpose ? [] : [{ field: `${field}.purposeId`, description: "names no purpose of this tenant" }]),
    ...(draft.channel ? [] : [{ field: `${field}.channel`, description: `is required (one of: ${CHANNELS.join(", ")})` }]),
    ...(draft.action ? [] : [{ field: `${field}.action`, description: "is required (grant or withdraw)" }]),
    ...(draft.source && !SERVICE_SOURCES.includes(draft.source) ? [] : [{ field: `${field}.source`, description: `is required (one of: ${SOURCES.filter((s) => !SERVICE_SOURCES.includes(s)).join(", ")})` }]),
    ...(purpose && !purpose.notices.some((notice) => notice.version === noticeVersion)
      ? [{ field: `${field}.noticeVersion`, description: `is not a version of this purpose's notice (1 to ${currentNoticeVersion(purpose)})` }]
      : []),
    ...(at.getTime() > now.getTime() + CLOCK_SKEW_MS ? [{ field: `${field}.occurredAt`, description: "is in the future" }] : []),
    ...(draft.ipAddress && !isIP(draft.ipAddress) ? [{ field: `${field}.ipAddress`, description: "is not an IPv4 or IPv6 address" }] : []),
    ...(draft.userAgent.length > MAX_USER_AGENT ? [{ field: `${field}.userAgent`, description: `must be at most ${MAX_USER_AGENT} characters` }] : []),
    ...(draft.note.length > MAX_NOTE ? [{ field: `${field}.note`, description: `must be at most ${MAX_NOTE} characters` }] : []),
  ];
  if (violations.length > 0) throw new ValidationError(violations);
  const occurredAt = at.getTime() > now.getTime() ? now : at;
  const action = draft.action as ConsentAction;
  return {
    subjectId: draft.subjectId,
    purposeId: draft.purposeId,
    channel: draft.channel as Channel,
    action,
    source: draft.source as ConsentSource,
    noticeVersion,
    ipAddress: draft.ipAddress,
    userAgent: draft.userAgent,
    occurredAt,
    expiresAt: action === "grant" ? expiryOf(occurredAt, purpose!.consentValidityDays) : undefined,
    requestId: draft.requestId,
    note: draft.note.trim(),
  };
}

/** When a grant given at `at` stops counting (undefined: never). */
export function expiryOf(at: Date, validityDays: number): Date | undefined {
  return validityDays > 0 ? new Date(at.getTime() + validityDays * DAY_MS) : undefined;
}
