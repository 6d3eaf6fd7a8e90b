import { addBusinessMs, businessMsBetween, type BusinessCalendar, type Interval } from "./business-hours";
import { isDone, type Status } from "./vocabulary";

/** One entry of a ticket's status history: from `at` on, the ticket was in `status`. */
export interface StatusChange {
  status: Status;
  at: Date;
}

/**
 * When an SLA clock runs: from the ticket's status history, the spans in which it was neither
 * done (resolved, closed) nor in a status the policy pauses in. The last span, the current
 * status, is open-ended (end Infinity) when the clock runs now.
 */
export function runningSpans(history: StatusChange[], pauseStatuses: readonly Status[]): Interval[] {
  const spans: Interval[] = [];
  history.forEach((change, index) => {
    if (isDone(change.status) || pauseStatuses.includes(change.status)) return;
    const end = index + 1 < history.length ? +history[index + 1]!.at : Infinity;
    if (end > +change.at) spans.push({ start: +change.at, end });
  });
  return spans;
}

/** A clock: business time counted over the running spans from `start` on. */
export interface Clock {
  calendar: BusinessCalendar;
  spans: Interval[];
  start: number;
}

/** Business time the clock counted from its start until `at`. */
export function elapsedUntil(clock: Clock, at: number): number {
  let total = 0;
  for (const span of clock.spans) {
    const from = Math.max(span.start, clock.start);
    const to = Math.min(span.end, at);
    if (to > from) total += businessMsBetween(clock.calendar, from, to);
  }
  return total;
}

/**
 * The instant at which the clock has counted `ms` of business time, or undefined when it stops
 * (paused, done) before that: a paused ticket has no deadline, only the time it has left.
 */
export function instantAfter(clock: Clock, ms: number): Date | undefined {
  let remaining = ms;
  for (const span of clock.spans) {
    const from = Math.max(span.start, clock.start);
    if (span.end <= from) continue;
    if (span.end === Infinity) return addBusinessMs(clock.calendar, from, remaining);
    const counted = businessMsBetween(clock.calendar, from, span.end);
    if (counted >= remaining) return addBusinessMs(clock.calendar, from, remaining);
    remaining -= counted;
  }
  return undefined;
}
