import type { BusinessCalendar } from "./business-hours";
import { elapsedUntil, instantAfter, runningSpans, type Clock, type StatusChange } from "./sla-clock";
import { targetMinutes, type SlaPolicyFields } from "./sla-policy";
import { SLA_METRICS, isDone, type Priority, type SlaMetric } from "./vocabulary";

/** What a ticket's SLA clocks are computed from: its history, never from deadlines stored before. */
export interface ClockFacts {
  priority: Priority;
  /** Every status the ticket was in, from its opening on, oldest first. */
  statusLog: StatusChange[];
  /** The first public reply by an agent. */
  firstResponseAt?: Date | undefined;
  /** The customer's message waiting for an agent's next public reply (after the first), and that reply once given. */
  updateCycle?: { since: Date; answeredAt?: Date | undefined } | undefined;
}

/** One metric's clock as computed: its deadline while it runs, or when it was met. */
export interface MetricClock {
  metric: SlaMetric;
  /** Which occurrence: "" for first response and resolution, the customer message's time for a next update. */
  cycle: string;
  targetMinutes: number;
  startedAt: Date;
  /** When the target runs out; unset while the clock is stopped (paused or done). */
  dueAt?: Date | undefined;
  /** When the warning share of the target is used. */
  warnAt?: Date | undefined;
  fulfilledAt?: Date | undefined;
  /** Met, but after the target ran out. */
  fulfilledLate: boolean;
  /** Business time the clock counted (until fulfilment, or until the computation). */
  elapsedMs: number;
}

export interface SlaComputation {
  policyId: string;
  calendarId: string;
  clocks: MetricClock[];
}

export type MetricStatus = "on_track" | "at_risk" | "breached" | "paused" | "met";

/** A clock's state at `now`: met (or breached when met late), paused, breached, at risk or on track. */
export function statusOf(clock: Pick<MetricClock, "dueAt" | "warnAt" | "fulfilledAt" | "fulfilledLate">, now: Date): MetricStatus {
  if (clock.fulfilledAt) return clock.fulfilledLate ? "breached" : "met";
  if (!clock.dueAt) return "paused";
  if (+now >= +clock.dueAt) return "breached";
  return clock.warnAt && +now >= +clock.warnAt ? "at_risk" : "on_track";
}

/** The worst of several states, for a ticket's one-word SLA state. */
export function worstStatus(statuses: MetricStatus[]): MetricStatus | "none" {
  for (const status of ["breached", "at_risk", "on_track", "paused", "met"] as const) if (statuses.includes(status)) return status;
  return "none";
}

/**
 * Every clock of a ticket under a policy and its calendar, from the ticket's history alone: the
 * same facts give the same deadlines, so a changed policy, calendar or priority is applied by
 * computing again. Targets are those of the ticket's current priority, counted from the start
 * of each clock (a ticket raised to urgent mid-way is due by the urgent target since it opened).
 * `minuteMs` is a minute's length: shorter only under a test clock.
 */
export function computeSla(facts: ClockFacts, policy: SlaPolicyFields & { id: string }, calendar: BusinessCalendar, now: Date, minuteMs = 60_000): SlaComputation {
  const spans = runningSpans(facts.statusLog, policy.pauseStatuses);
  const openedAt = facts.statusLog[0]!.at;
  const firstDone = facts.statusLog.find((change) => isDone(change.status))?.at;
  const current = facts.statusLog.at(-1)!;
  const clocks: MetricClock[] = [];
  for (const metric of SLA_METRICS) {
    const minutes = targetMinutes(policy, facts.priority, metric);
    if (minutes === 0) continue;
    let start: Date;
    let fulfilledAt: Date | undefined;
    let cycle = "";
    if (metric === "first_response") {
      start = openedAt;
      // Solving a ticket answers it: a ticket resolved without a reply has met its first response then.
      fulfilledAt = earliest(facts.firstResponseAt, firstDone);
    } else if (metric === "resolution") {
      start = openedAt;
      fulfilledAt = isDone(current.status) ? current.at : undefined;
    } else {
      if (!facts.updateCycle) continue;
      start = facts.updateCycle.since;
      cycle = start.toISOString();
      fulfilledAt = facts.updateCycle.answeredAt ?? (isDone(current.status) ? current.at : undefined);
    }
    const clock: Clock = { calendar, spans, start: +start };
    const targetMs = minutes * minuteMs;
    const elapsedMs = elapsedUntil(clock, fulfilledAt ? +fulfilledAt : +now);
    const running = !fulfilledAt;
    clocks.push({
      metric,
      cycle,
      targetMinutes: minutes,
      startedAt: start,
      dueAt: running ? instantAfter(clock, targetMs) : undefined,
      warnAt: running ? instantAfter(clock, Math.floor((targetMs * policy.warnAtPercent) / 100)) : undefined,
      fulfilledAt,
      fulfilledLate: Boolean(fulfilledAt) && elapsedMs > targetMs,
      elapsedMs,
    });
  }
  return { policyId: policy.id, calendarId: policy.calendarId, clocks };
}

function earliest(...dates: Array<Date | undefined>): Date | undefined {
  const given = dates.filter((date): date is Date => Boolean(date));
  return given.length > 0 ? new Date(Math.min(...given.map(Number))) : undefined;
}

/** An announcement the scheduler makes once: a metric's warning or breach, per occurrence. */
export interface SlaAlert {
  metric: SlaMetric;
  cycle: string;
  kind: "warning" | "breach";
  at: Date;
}

export const alertKey = (alert: Pick<SlaAlert, "metric" | "cycle" | "kind">) => `${alert.metric}|${alert.cycle}|${alert.kind}`;

/**
 * The alerts of running clocks not yet announced, soonest first: a warning (unless its breach is
 * announced or also due already: then only the breach), and a breach.
 */
export function pendingAlerts(clocks: MetricClock[], announced: readonly string[], now: Date): SlaAlert[] {
  const alerts: SlaAlert[] = [];
  for (const clock of clocks) {
    if (clock.fulfilledAt || !clock.dueAt) continue;
    const { metric, cycle } = clock;
    const breachAnnounced = announced.includes(alertKey({ metric, cycle, kind: "breach" }));
    const breachDue = +clock.dueAt <= +now;
    if (clock.warnAt && !breachAnnounced && !breachDue && !announced.includes(alertKey({ metric, cycle, kind: "warning" }))) alerts.push({ metric, cycle, kind: "warning", at: clock.warnAt });
    if (!breachAnnounced) alerts.push({ metric, cycle, kind: "breach", at: clock.dueAt });
  }
  return alerts.sort((a, b) => +a.at - +b.at);
}

/** When the scheduler must next look at the ticket: its soonest alert not yet announced. */
export function nextAlertAt(clocks: MetricClock[], announced: readonly string[], now: Date): Date | undefined {
  return pendingAlerts(clocks, announced, now)[0]?.at;
}
