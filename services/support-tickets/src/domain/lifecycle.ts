import { PreconditionFailedError, ValidationError } from "@crm/kit";
import { ALWAYS_OPEN, type BusinessCalendar } from "./business-hours";
import { elapsedUntil, runningSpans } from "./sla-clock";
import { computeSla } from "./sla";
import { choosePolicy, type SlaPolicy } from "./sla-policy";
import { changesBetween, ownerOf, type Comment, type HistoryEntry, type RequesterFields, type Ticket, type TicketFields, NO_SLA } from "./ticket";
import { isDone, type Status } from "./vocabulary";
import { checkTransition } from "./workflow";

/** A tenant's SLA settings: its policies and the calendars they count in, by id. */
export interface SlaSettings {
  policies: SlaPolicy[];
  calendars: Map<string, BusinessCalendar>;
  /** A target minute's length in ms: 60 000, shorter only under a test clock (SLA_MINUTE_MS). */
  minuteMs?: number;
}

/** The client's fields the history records changes of. */
export const TRACKED_FIELDS = ["subject", "description", "channel", "priority", "category", "status", "assigneeId", "team", "tags", "organizationId", "organizationTier", "dealId", "productId", "requesterId"] as const;

const MAX_COMMENTS = 1_000;
const MAX_HISTORY = 2_000;

/** A ticket as it opens: its first status, its history's first entry; its SLA comes from withSla. */
export function openTicket(base: { id: string; tenantId: string; actor: string; now: Date }, fields: TicketFields, requester: RequesterFields): Ticket {
  const { id, tenantId, actor, now } = base;
  return {
    ...fields,
    ...requester,
    id,
    tenantId,
    ownerId: ownerOf(fields, actor),
    statusLog: [{ status: fields.status, at: now }],
    reopenCount: 0,
    sla: NO_SLA,
    timing: {},
    comments: [],
    history: [{ at: now, actor, kind: "created", changes: [], note: "" }],
    createdBy: actor,
    updatedBy: actor,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

/** Moves a ticket to a status, as the workflow allows: its status log, reopen count and resolution time follow. */
function moveTo(ticket: Ticket, status: Status, now: Date): Ticket {
  if (status === ticket.status) return ticket;
  checkTransition(ticket.status, status);
  return {
    ...ticket,
    status,
    statusLog: [...ticket.statusLog, { status, at: now }],
    reopenCount: ticket.reopenCount + (status === "reopened" ? 1 : 0),
    resolvedAt: isDone(status) ? (ticket.resolvedAt && isDone(ticket.status) ? ticket.resolvedAt : now) : undefined,
  };
}

/** A change of the client's fields (and perhaps the requester), with its history entry; the workflow refuses what it does not allow. */
export function changeTicket(current: Ticket, changes: Partial<TicketFields>, requester: RequesterFields | undefined, actor: string, now: Date): Ticket {
  if (current.status === "closed" && Object.keys(changes).some((field) => field !== "tags")) {
    throw new PreconditionFailedError("a closed ticket is final: only its tags can change");
  }
  const { status, ...rest } = changes;
  let next: Ticket = { ...current, ...rest, ...(requester ?? {}) };
  if (status) next = moveTo(next, status, now);
  next.ownerId = ownerOf(next, current.createdBy);
  const recorded = changesBetween(current, next, TRACKED_FIELDS);
  if (recorded.length === 0) return current;
  return appendHistory({ ...next, updatedAt: now, updatedBy: actor, version: current.version + 1 }, { at: now, actor, kind: "changed", changes: recorded, note: "" });
}

/**
 * A comment and what it does to the ticket: an agent's first public reply is the first
 * response (and takes a new ticket to open); a later one answers the customer's waiting
 * message; a customer's message after the first response waits for the next update, brings a
 * ticket pending the customer back to open, and reopens a resolved one. Internal notes change
 * nothing else. A closed ticket takes no comments.
 */
export function commentOn(current: Ticket, comment: Omit<Comment, "createdAt">, now: Date): Ticket {
  if (current.status === "closed") throw new PreconditionFailedError("a closed ticket takes no comments: open a new ticket");
  if (current.comments.length >= MAX_COMMENTS) throw new PreconditionFailedError(`a ticket takes at most ${MAX_COMMENTS} comments`);
  let next: Ticket = { ...current, comments: [...current.comments, { ...comment, createdAt: now }] };
  if (comment.public && !comment.fromRequester) {
    next.firstResponseAt ??= now;
    if (next.updateCycle && !next.updateCycle.answeredAt) next.updateCycle = { ...next.updateCycle, answeredAt: now };
    if (next.status === "new") next = moveTo(next, "open", now);
  } else if (comment.fromRequester) {
    if (next.firstResponseAt && (!next.updateCycle || next.updateCycle.answeredAt)) next.updateCycle = { since: now };
    if (next.status === "pending_customer") next = moveTo(next, "open", now);
    else if (next.status === "resolved") next = moveTo(next, "reopened", now);
  }
  const changes = changesBetween(current, next, ["status"]);
  const kind = comment.public ? (comment.fromRequester ? "customer message" : "public reply") : "internal note";
  return appendHistory({ ...next, updatedAt: now, updatedBy: comment.authorId, version: current.version + 1 }, { at: now, actor: comment.authorId, kind: "commented", changes, note: `${kind} ${comment.id}` });
}

export function appendHistory(ticket: Ticket, entry: HistoryEntry): Ticket {
  return { ...ticket, history: [...ticket.history, entry].slice(-MAX_HISTORY) };
}

/** The policy a ticket falls under and its calendar (around the clock when it names none, or one that is gone). */
export function policyFor(ticket: Pick<Ticket, "priority" | "category" | "organizationTier" | "channel">, settings: SlaSettings): { policy: SlaPolicy | undefined; calendar: BusinessCalendar } {
  const policy = choosePolicy(settings.policies, ticket);
  const calendar = (policy?.calendarId && settings.calendars.get(policy.calendarId)) || ALWAYS_OPEN;
  return { policy, calendar };
}

/**
 * The ticket with its SLA computed again from its history under the settings now in force, and
 * its timing for metrics. Announcements already made are kept, so nothing is announced twice;
 * a breach once announced or met late keeps the ticket counted as breached.
 */
export function withSla(ticket: Ticket, settings: SlaSettings, now: Date): Ticket {
  const { policy, calendar } = policyFor(ticket, settings);
  const timing = timingOf(ticket, calendar, policy?.pauseStatuses ?? []);
  if (!policy) return { ...ticket, sla: { ...NO_SLA, announced: ticket.sla.announced, breached: ticket.sla.breached }, timing };
  const computed = computeSla(ticket, policy, calendar, now, settings.minuteMs);
  const breached = ticket.sla.breached || computed.clocks.some((clock) => clock.fulfilledLate);
  return { ...ticket, sla: { ...computed, breached, announced: ticket.sla.announced }, timing };
}

/** First response and resolution durations: calendar time, and business time in the calendar without the paused spans. */
function timingOf(ticket: Ticket, calendar: BusinessCalendar, pauseStatuses: readonly Status[]) {
  const openedAt = ticket.statusLog[0]!.at;
  const clock = { calendar, spans: runningSpans(ticket.statusLog, pauseStatuses), start: +openedAt };
  const firstAt = ticket.firstResponseAt;
  const resolvedAt = ticket.resolvedAt;
  return {
    firstResponseCalendarMs: firstAt ? +firstAt - +openedAt : undefined,
    firstResponseBusinessMs: firstAt ? elapsedUntil(clock, +firstAt) : undefined,
    resolutionCalendarMs: resolvedAt ? +resolvedAt - +openedAt : undefined,
    resolutionBusinessMs: resolvedAt ? elapsedUntil(clock, +resolvedAt) : undefined,
  };
}

/** A comment's body: required, at most 50 000 characters; a customer's message is public. */
export function prepareComment(input: { body: string; public: boolean; fromRequester: boolean }): { body: string; public: boolean; fromRequester: boolean } {
  const body = input.body.trim();
  const violations = [
    ...(body ? [] : [{ field: "body", description: "is required" }]),
    ...(body.length > 50_000 ? [{ field: "body", description: "must be at most 50000 characters" }] : []),
  ];
  if (violations.length > 0) throw new ValidationError(violations);
  return { body, public: input.public || input.fromRequester, fromRequester: input.fromRequester };
}
