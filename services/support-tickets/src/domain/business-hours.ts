import { DateTime } from "luxon";

/** One span of working time on a weekday, local wall-clock times `HH:mm`; an end at or before the start runs past midnight. */
export interface WorkingSpan {
  /** ISO weekday of the span's start: 1 Monday ... 7 Sunday. */
  day: number;
  start: string;
  end: string;
}

/**
 * Business hours: when a help desk works, in its own time zone. Times are wall-clock times
 * there, so a day of a DST change has its working hours at the same local times (and a night
 * shift across the change is an hour shorter or longer). Holidays close whole local dates.
 */
export interface BusinessCalendar {
  /** IANA time zone, e.g. Europe/Warsaw. */
  timeZone: string;
  spans: WorkingSpan[];
  /** Closed local dates, YYYY-MM-DD. */
  holidays: string[];
}

/** The calendar of a help desk that never closes: business time is calendar time. */
export const ALWAYS_OPEN: BusinessCalendar = {
  timeZone: "UTC",
  spans: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: "00:00", end: "24:00" })),
  holidays: [],
};

const DAY_MS = 24 * 3600_000;
/** How far a search for working time looks before it gives up: a calendar has working time at least once in this many days. */
const SEARCH_DAYS = 3 * 366;

/** `HH:mm` (00:00 to 24:00) as minutes after midnight, or undefined when it is not such a time. */
export function minutesOf(time: string): number | undefined {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(time);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 24 * 60 ? minutes : undefined;
}

/** A half-open span of instants [start, end), in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

/**
 * The instant of a local date's wall-clock minute in the zone: set, not added, so that 09:00 is
 * 09:00 on the day of a DST change too (a minute the change skips falls after the gap).
 */
function localInstant(date: DateTime, minutes: number): number {
  return date.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 }).toMillis();
}

/**
 * The calendar's working intervals that lie on one local date: the spans starting that day,
 * and the parts after midnight of the previous day's overnight spans; none on a holiday.
 */
function workingOn(calendar: BusinessCalendar, date: DateTime): Interval[] {
  const iso = date.toISODate();
  if (iso && calendar.holidays.includes(iso)) return [];
  const dayStart = date.startOf("day");
  const nextDay = dayStart.plus({ days: 1 });
  const previousWeekday = dayStart.minus({ days: 1 }).weekday;
  const intervals: Interval[] = [];
  for (const span of calendar.spans) {
    const start = minutesOf(span.start)!;
    const end = minutesOf(span.end)!;
    const overnight = end <= start;
    if (span.day === date.weekday) {
      // 24:00 is the next midnight: the day's length in the zone (23, 24 or 25 hours).
      const until = overnight || end === 24 * 60 ? nextDay.toMillis() : localInstant(dayStart, end);
      intervals.push({ start: localInstant(dayStart, start), end: until });
    }
    if (overnight && span.day === previousWeekday && end > 0) intervals.push({ start: dayStart.toMillis(), end: localInstant(dayStart, end) });
  }
  return mergeIntervals(intervals.filter((interval) => interval.end > interval.start));
}

/** Sorted, with overlapping and touching intervals joined. */
export function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

/** One local date of a calendar: its working intervals and where the next date starts. */
interface CalendarDay {
  intervals: Interval[];
  next: number;
}

/**
 * Days already worked out, per calendar object and by the instant their local date starts:
 * deadlines of many tickets (a recalculation, the scheduler's pass) fall on the same dates, and
 * working out a date in a zone is most of the arithmetic. Bounded; dropped with the calendar.
 */
const DAYS = new WeakMap<BusinessCalendar, Map<number, CalendarDay>>();
const MAX_CACHED_DAYS = 4_000;

function calendarDay(calendar: BusinessCalendar, dayStart: number): CalendarDay {
  let days = DAYS.get(calendar);
  if (!days) DAYS.set(calendar, (days = new Map()));
  let day = days.get(dayStart);
  if (!day) {
    const date = DateTime.fromMillis(dayStart, { zone: calendar.timeZone });
    day = { intervals: workingOn(calendar, date), next: date.plus({ days: 1 }).toMillis() };
    if (days.size >= MAX_CACHED_DAYS) days.clear();
    days.set(dayStart, day);
  }
  return day;
}

/** Working intervals of the calendar, clipped to [from, ∞), day by day in the calendar's zone, for at most `days` days. */
function* workingIntervals(calendar: BusinessCalendar, from: number, days = SEARCH_DAYS): Generator<Interval> {
  let dayStart = DateTime.fromMillis(from, { zone: calendar.timeZone }).startOf("day").toMillis();
  for (let i = 0; i < days; i++) {
    const day = calendarDay(calendar, dayStart);
    for (const interval of day.intervals) {
      if (interval.end <= from) continue;
      yield { start: Math.max(interval.start, from), end: interval.end };
    }
    dayStart = day.next;
  }
}

/** Business time (ms) between two instants: how much of [from, to) the calendar works. */
export function businessMsBetween(calendar: BusinessCalendar, from: Date | number, to: Date | number): number {
  const [start, end] = [+from, +to];
  if (end <= start) return 0;
  if (calendar === ALWAYS_OPEN) return end - start;
  let total = 0;
  const days = Math.ceil((end - start) / DAY_MS) + 2;
  for (const interval of workingIntervals(calendar, start, days)) {
    if (interval.start >= end) break;
    total += Math.min(interval.end, end) - interval.start;
  }
  return total;
}

/**
 * The instant at which `ms` of business time have passed since `from` (from itself for 0, when
 * it is working time, else the next opening). Throws when the calendar has no working time
 * within three years, which validation keeps from happening.
 */
export function addBusinessMs(calendar: BusinessCalendar, from: Date | number, ms: number): Date {
  const start = +from;
  if (calendar === ALWAYS_OPEN) return new Date(start + ms);
  let remaining = ms;
  for (const interval of workingIntervals(calendar, start)) {
    const length = interval.end - interval.start;
    // A deadline that falls on the end of an interval is due there, not at the next opening.
    if (remaining <= length) return new Date(interval.start + remaining);
    remaining -= length;
  }
  throw new Error("the calendar has no working time within three years");
}

/** Whether the calendar works at the instant. */
export function isWorkingTime(calendar: BusinessCalendar, at: Date | number): boolean {
  return businessMsBetween(calendar, at, +at + 1) === 1;
}
