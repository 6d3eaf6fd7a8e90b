import { UUID_PATTERN, type FieldViolation } from "@crm/kit";

export const INTERACTION_KINDS = ["call", "email", "meeting", "note", "message", "web_visit"] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

export const DIRECTIONS = ["inbound", "outbound"] as const;
export const CALL_OUTCOMES = ["connected", "no_answer", "voicemail", "busy", "failed"] as const;
export const MESSAGE_CHANNELS = ["chat", "sms", "social"] as const;

export interface Attendee {
  contactId: string;
  name: string;
  email: string;
}

/** What each kind records beside the common fields; `kind` tells them apart. Codes are checked by prepareDetails. */
export type InteractionDetails =
  | { kind: "call"; direction: string; durationSeconds: number; outcome: string; recordingUrl: string }
  | { kind: "email"; direction: string; threadId: string; messageId: string; fromAddress: string; toAddresses: string[] }
  | { kind: "meeting"; endAt?: Date | undefined; attendees: Attendee[]; location: string; meetingUrl: string }
  | { kind: "note" }
  | { kind: "message"; channel: string; network: string; handle: string; direction: string }
  | { kind: "web_visit"; pageUrl: string; pageTitle: string; referrer: string; campaign: string };

const MAX_URL = 2_000;
const MAX_ADDRESS = 254;
const MAX_RECIPIENTS = 100;
const MAX_ATTENDEES = 200;
const MAX_CALL_SECONDS = 24 * 3600;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks collected for one kind: each adds the violations of one field. */
class Checks {
  readonly violations: FieldViolation[] = [];
  constructor(private readonly prefix: string) {}

  fail(field: string, description: string): void {
    this.violations.push({ field: `${this.prefix}.${field}`, description });
  }
  oneOf(field: string, value: string, allowed: readonly string[], required: boolean): void {
    if (!value && !required) return;
    if (!allowed.includes(value)) this.fail(field, `must be one of: ${allowed.join(", ")}`);
  }
  maxLength(field: string, value: string, max: number): void {
    if (value.length > max) this.fail(field, `must be at most ${max} characters`);
  }
  url(field: string, value: string, required = false): void {
    if (!value) {
      if (required) this.fail(field, "is required");
      return;
    }
    this.maxLength(field, value, MAX_URL);
    if (!isWebUrl(value)) this.fail(field, "must be an http or https URL");
  }
  email(field: string, value: string): void {
    if (value && (value.length > MAX_ADDRESS || !EMAIL.test(value))) this.fail(field, "is not an e-mail address");
  }
}

function isWebUrl(value: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const tidy = (value: string) => value.trim();
const lower = (value: string) => value.trim().toLowerCase();
/** A Message-ID as written in headers, with or without its angle brackets. */
export const normaliseMessageId = (value: string) => value.trim().replace(/^<(.*)>$/, "$1");

/**
 * Validates and standardises the details of one kind (trimmed, codes and addresses in lower
 * case), reporting every problem under `prefix` (e.g. `interaction.call`). `occurredAt` is the
 * interaction's time, which a meeting's end must not precede.
 */
export function prepareDetails(details: InteractionDetails, prefix: string, occurredAt: Date): { details: InteractionDetails; violations: FieldViolation[] } {
  const checks = new Checks(prefix);
  switch (details.kind) {
    case "call": {
      const prepared = { ...details, direction: lower(details.direction), outcome: lower(details.outcome), recordingUrl: tidy(details.recordingUrl) };
      checks.oneOf("direction", prepared.direction, DIRECTIONS, true);
      checks.oneOf("outcome", prepared.outcome, CALL_OUTCOMES, false);
      if (!Number.isInteger(prepared.durationSeconds) || prepared.durationSeconds < 0 || prepared.durationSeconds > MAX_CALL_SECONDS) {
        checks.fail("durationSeconds", `must be a whole number of seconds from 0 to ${MAX_CALL_SECONDS}`);
      }
      checks.url("recordingUrl", prepared.recordingUrl);
      return { details: prepared, violations: checks.violations };
    }
    case "email": {
      const prepared = {
        ...details,
        direction: lower(details.direction),
        threadId: tidy(details.threadId),
        messageId: normaliseMessageId(details.messageId),
        fromAddress: lower(details.fromAddress),
        toAddresses: [...new Set(details.toAddresses.map(lower).filter(Boolean))],
      };
      checks.oneOf("direction", prepared.direction, DIRECTIONS, true);
      checks.maxLength("threadId", prepared.threadId, 998);
      checks.maxLength("messageId", prepared.messageId, 998);
      checks.email("fromAddress", prepared.fromAddress);
      if (prepared.toAddresses.length > MAX_RECIPIENTS) checks.fail("toAddresses", `takes at most ${MAX_RECIPIENTS} addresses`);
      prepared.toAddresses.forEach((address, i) => checks.email(`toAddresses[${i}]`, address));
      return { details: prepared, violations: checks.violations };
    }
    case "meeting": {
      const attendees = details.attendees.map((a) => ({ contactId: tidy(a.contactId), name: tidy(a.name).replace(/\s+/g, " "), email: lower(a.email) }));
      const prepared = { ...details, attendees, location: tidy(details.location), meetingUrl: tidy(details.meetingUrl) };
      if (prepared.endAt && prepared.endAt.getTime() < occurredAt.getTime()) checks.fail("endTime", "must not be before the meeting's start (occurTime)");
      if (attendees.length > MAX_ATTENDEES) checks.fail("attendees", `takes at most ${MAX_ATTENDEES} attendees`);
      attendees.forEach((attendee, i) => {
        if (!attendee.contactId && !attendee.name && !attendee.email) checks.fail(`attendees[${i}]`, "needs a contactId, a name or an email");
        if (attendee.contactId && !UUID_PATTERN.test(attendee.contactId)) checks.fail(`attendees[${i}].contactId`, "is not an id this API issued");
        checks.maxLength(`attendees[${i}].name`, attendee.name, 200);
        checks.email(`attendees[${i}].email`, attendee.email);
      });
      checks.maxLength("location", prepared.location, 500);
      checks.url("meetingUrl", prepared.meetingUrl);
      return { details: prepared, violations: checks.violations };
    }
    case "note":
      return { details, violations: [] };
    case "message": {
      const prepared = { ...details, channel: lower(details.channel), network: lower(details.network), handle: tidy(details.handle), direction: lower(details.direction) };
      checks.oneOf("channel", prepared.channel, MESSAGE_CHANNELS, true);
      checks.oneOf("direction", prepared.direction, DIRECTIONS, true);
      if (prepared.channel === "social" && !prepared.network) checks.fail("network", "is required for a social message");
      checks.maxLength("network", prepared.network, 50);
      checks.maxLength("handle", prepared.handle, 200);
      return { details: prepared, violations: checks.violations };
    }
    case "web_visit": {
      const prepared = { ...details, pageUrl: tidy(details.pageUrl), pageTitle: tidy(details.pageTitle), referrer: tidy(details.referrer), campaign: tidy(details.campaign) };
      checks.url("pageUrl", prepared.pageUrl, true);
      checks.maxLength("pageTitle", prepared.pageTitle, 500);
      checks.url("referrer", prepared.referrer);
      checks.maxLength("campaign", prepared.campaign, 200);
      return { details: prepared, violations: checks.violations };
    }
  }
}

/** The free text of the details, for search: titles, places, addresses, handles. */
export function detailTexts(details: InteractionDetails): string[] {
  switch (details.kind) {
    case "email":
      return [details.fromAddress, ...details.toAddresses];
    case "meeting":
      return [details.location, ...details.attendees.flatMap((a) => [a.name, a.email])];
    case "message":
      return [details.network, details.handle];
    case "web_visit":
      return [details.pageTitle, details.pageUrl, details.campaign];
    default:
      return [];
  }
}
