import { ValidationError, type FieldViolation, type RecordAudit } from "@crm/kit";
import type { StatusChange } from "./sla-clock";
import type { MetricClock } from "./sla";
import { CHANNELS, PRIORITIES, STATUSES, isOneOf, type Channel, type Priority, type Status } from "./vocabulary";

/** Who asked, as a client gives it: a contact id, or what contacts matches or creates a contact from. */
export interface RequesterDraft {
  contactId: string;
  email: string;
  phone: string;
  name: string;
}

/** What a client writes (the API's fields; empty strings where not given). */
export interface TicketDraft {
  subject: string;
  description: string;
  channel: string;
  priority: string;
  category: string;
  status: string;
  requester?: RequesterDraft | undefined;
  assigneeId: string;
  team: string;
  tags: string[];
  organizationId: string;
  organizationTier: string;
  dealId: string;
  productId: string;
}

/** The fields of a ticket a client sets, validated and standardised (the requester resolved apart). */
export interface TicketFields {
  subject: string;
  description: string;
  channel: Channel;
  priority: Priority;
  category: string;
  status: Status;
  assigneeId: string;
  team: string;
  tags: string[];
  organizationId: string;
  organizationTier: string;
  dealId: string;
  productId: string;
}

/** The requester as stored: the contact, and how to reach them (personal data, erased on request). */
export interface RequesterFields {
  requesterId: string;
  requesterName: string;
  requesterEmail: string;
  requesterPhone: string;
}

export interface Comment {
  id: string;
  body: string;
  public: boolean;
  fromRequester: boolean;
  authorId: string;
  createdAt: Date;
  requestKey: string;
}

export interface FieldChange {
  field: string;
  from: string;
  to: string;
}

export type HistoryKind = "created" | "changed" | "commented" | "escalated" | "sla_warning" | "sla_breached" | "feedback" | "merged" | "anonymised";

export interface HistoryEntry {
  at: Date;
  actor: string;
  kind: HistoryKind;
  changes: FieldChange[];
  note: string;
}

/** A ticket's SLA as last computed (domain/sla.ts), with the alerts already announced. */
export interface TicketSla {
  policyId: string;
  calendarId: string;
  clocks: MetricClock[];
  /** Ever breached: a clock met late, or a breach announced. */
  breached: boolean;
  /** alertKey()s of the warnings and breaches announced. */
  announced: string[];
}

/** Durations for metrics, kept when they become known: calendar time and business time (the policy's calendar, pauses left out). */
export interface TicketTiming {
  firstResponseCalendarMs?: number | undefined;
  firstResponseBusinessMs?: number | undefined;
  resolutionCalendarMs?: number | undefined;
  resolutionBusinessMs?: number | undefined;
}

export interface Ticket extends TicketFields, RequesterFields, RecordAudit {
  id: string;
  tenantId: string;
  /** Who owns it for record-level permissions: the assignee, else the team, else its creator. */
  ownerId: string;
  statusLog: StatusChange[];
  firstResponseAt?: Date | undefined;
  resolvedAt?: Date | undefined;
  reopenCount: number;
  updateCycle?: { since: Date; answeredAt?: Date | undefined } | undefined;
  sla: TicketSla;
  timing: TicketTiming;
  comments: Comment[];
  history: HistoryEntry[];
}

export const NO_SLA: TicketSla = { policyId: "", calendarId: "", clocks: [], breached: false, announced: [] };

const LIMITS = { subject: 300, description: 50_000, category: 100, id: 100, tags: 20, tag: 50, name: 200, email: 254, phone: 40 };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Fields that a create and an update validate alike; `present` says which the caller gave. */
export function checkTicketFields(draft: TicketDraft, present: (field: keyof TicketDraft) => boolean, prefix = "ticket"): { fields: Partial<TicketFields>; violations: FieldViolation[] } {
  const violations: FieldViolation[] = [];
  const fail = (field: string, description: string) => violations.push({ field: `${prefix}.${field}`, description });
  const fields: Partial<TicketFields> = {};
  const text = (field: "subject" | "description" | "category" | "assigneeId" | "team" | "organizationId" | "organizationTier" | "dealId" | "productId", max: number) => {
    if (!present(field)) return;
    const value = field === "description" ? draft[field].trim() : draft[field].trim().replace(/\s+/g, " ");
    if (value.length > max) fail(field, `must be at most ${max} characters`);
    fields[field] = value;
  };
  text("subject", LIMITS.subject);
  if (present("subject") && !fields.subject) fail("subject", "is required");
  text("description", LIMITS.description);
  text("category", LIMITS.category);
  for (const field of ["assigneeId", "team", "organizationId", "dealId", "productId"] as const) text(field, LIMITS.id);
  text("organizationTier", LIMITS.id);
  if (present("channel")) {
    if (isOneOf(CHANNELS, draft.channel)) fields.channel = draft.channel;
    else fail("channel", `must be one of ${CHANNELS.join(", ")}`);
  }
  if (present("priority")) {
    if (isOneOf(PRIORITIES, draft.priority)) fields.priority = draft.priority;
    else fail("priority", `must be one of ${PRIORITIES.join(", ")}`);
  }
  if (present("status")) {
    if (isOneOf(STATUSES, draft.status)) fields.status = draft.status;
    else fail("status", `must be one of ${STATUSES.join(", ")}`);
  }
  if (present("tags")) {
    const tags = [...new Set(draft.tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))];
    if (tags.length > LIMITS.tags) fail("tags", `takes at most ${LIMITS.tags} tags`);
    if (tags.some((tag) => tag.length > LIMITS.tag)) fail("tags", `each at most ${LIMITS.tag} characters`);
    fields.tags = tags;
  }
  return { fields, violations };
}

/** The requester as given, checked: a contact id, or an e-mail or phone to match or create a contact by. */
export function checkRequester(requester: RequesterDraft | undefined, prefix = "ticket.requester"): { requester: RequesterDraft; violations: FieldViolation[] } {
  const violations: FieldViolation[] = [];
  const fail = (field: string, description: string) => violations.push({ field: `${prefix}${field ? `.${field}` : ""}`, description });
  const cleaned = {
    contactId: requester?.contactId.trim() ?? "",
    email: requester?.email.trim().toLowerCase() ?? "",
    phone: requester?.phone.trim() ?? "",
    name: requester?.name.trim().replace(/\s+/g, " ") ?? "",
  };
  if (!cleaned.contactId && !cleaned.email && !cleaned.phone) fail("", "is required: a contactId, or an email or phone to find or create the contact by");
  if (cleaned.contactId.length > LIMITS.id) fail("contactId", `must be at most ${LIMITS.id} characters`);
  if (cleaned.email && (cleaned.email.length > LIMITS.email || !EMAIL.test(cleaned.email))) fail("email", "is not an e-mail address");
  if (cleaned.phone && (cleaned.phone.length > LIMITS.phone || !/^\+?[0-9 ().-]{5,}$/.test(cleaned.phone))) fail("phone", "is not a phone number");
  if (cleaned.name.length > LIMITS.name) fail("name", `must be at most ${LIMITS.name} characters`);
  return { requester: cleaned, violations };
}

/** A new ticket's fields: defaults (web, normal, new), a subject, a requester; only new or open to start with. */
export function prepareNewTicket(draft: TicketDraft): { fields: TicketFields; requester: RequesterDraft } {
  const withDefaults = { ...draft, channel: draft.channel || "web", priority: draft.priority || "normal", status: draft.status || "new" };
  const { fields, violations } = checkTicketFields(withDefaults, () => true);
  const checked = checkRequester(draft.requester);
  violations.push(...checked.violations);
  if (fields.status && fields.status !== "new" && fields.status !== "open") violations.push({ field: "ticket.status", description: "a new ticket starts as new or open" });
  if (violations.length > 0) throw new ValidationError(violations);
  return { fields: fields as TicketFields, requester: checked.requester };
}

/** Who owns a ticket for record-level permissions. */
export function ownerOf(fields: Pick<TicketFields, "assigneeId" | "team">, creator: string): string {
  return fields.assigneeId || fields.team || creator;
}

const shown = (value: unknown) => (Array.isArray(value) ? value.join(", ") : String(value ?? ""));

/** The changes between two versions of the client's fields, for the history. */
export function changesBetween(before: object, after: object, fields: readonly string[]): FieldChange[] {
  const [from, to] = [before as Record<string, unknown>, after as Record<string, unknown>];
  return fields.flatMap((field) => (shown(from[field]) === shown(to[field]) ? [] : [{ field, from: shown(from[field]), to: shown(to[field]) }]));
}
