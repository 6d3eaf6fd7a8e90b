import { ValidationError, type FieldViolation, type RecordAudit } from "@crm/kit";
import { DateTime, IANAZone } from "luxon";
import { minutesOf, type BusinessCalendar, type WorkingSpan } from "./business-hours";

export interface CalendarFields extends BusinessCalendar {
  name: string;
}

export interface Calendar extends CalendarFields, RecordAudit {
  id: string;
  tenantId: string;
}

export type CalendarDraft = Partial<CalendarFields>;

const MAX_SPANS = 70;
const MAX_HOLIDAYS = 1000;

/** A calendar from a draft: a real IANA zone, spans of valid times, dates that exist; every problem at once. */
export function prepareCalendar(draft: CalendarDraft, prefix = "calendar"): CalendarFields {
  const violations: FieldViolation[] = [];
  const fail = (field: string, description: string) => violations.push({ field: `${prefix}.${field}`, description });
  const name = (draft.name ?? "").trim().replace(/\s+/g, " ");
  if (!name) fail("name", "is required");
  if (name.length > 200) fail("name", "must be at most 200 characters");
  const timeZone = (draft.timeZone ?? "").trim();
  if (!timeZone) fail("timeZone", "is required");
  else if (!IANAZone.isValidZone(timeZone)) fail("timeZone", `"${timeZone}" is not an IANA time zone (e.g. Europe/Warsaw)`);

  const spans: WorkingSpan[] = (draft.spans ?? []).map((span, index) => {
    const field = `spans[${index}]`;
    if (!Number.isInteger(span.day) || span.day < 1 || span.day > 7) fail(`${field}.day`, "must be an ISO weekday, 1 (Monday) to 7 (Sunday)");
    const start = minutesOf(span.start);
    const end = minutesOf(span.end);
    if (start === undefined || start === 24 * 60) fail(`${field}.start`, "must be a time HH:mm from 00:00 to 23:59");
    if (end === undefined) fail(`${field}.end`, "must be a time HH:mm from 00:00 to 24:00 (before the start: the next day's)");
    else if (end === start) fail(`${field}.end`, "must differ from the start");
    return { day: span.day, start: span.start, end: span.end };
  });
  if (spans.length === 0) fail("spans", "must give at least one span of working time");
  if (spans.length > MAX_SPANS) fail("spans", `takes at most ${MAX_SPANS} spans`);

  const holidays = [...new Set((draft.holidays ?? []).map((date) => date.trim()))].sort();
  holidays.forEach((date, index) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !DateTime.fromISO(date).isValid) fail(`holidays[${index}]`, `"${date}" is not a date YYYY-MM-DD`);
  });
  if (holidays.length > MAX_HOLIDAYS) fail("holidays", `takes at most ${MAX_HOLIDAYS} dates`);

  if (violations.length > 0) throw new ValidationError(violations);
  return { name, timeZone, spans, holidays };
}
