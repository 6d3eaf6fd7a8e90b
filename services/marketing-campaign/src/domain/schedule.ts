import { ValidationError } from "@crm/kit";

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Whether the runtime knows this IANA time zone. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** The offset of a time zone from UTC at an instant, in ms (Europe/Warsaw in summer: +2 h). */
function offsetAt(zone: string, instant: number): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall-clock time names in a time zone: 09:00 in Europe/Warsaw is 07:00 UTC in
 * summer and 08:00 in winter. A time that the clocks skip (spring forward) is refused; one they
 * pass twice (fall back) is the first.
 */
export function zonedInstant(localTime: string, zone: string): Date {
  if (!isTimeZone(zone)) throw ValidationError.field("timeZone", "is not an IANA time zone (e.g. Europe/Warsaw)");
  const match = LOCAL_TIME.exec(localTime.trim());
  if (!match) throw ValidationError.field("localTime", "must be a local date and time, YYYY-MM-DDTHH:MM[:SS]");
  const [year, month, day, hour, minute, second = "0"] = match.slice(1).map((part) => part ?? "0");
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const check = new Date(wall);
  if (check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
    throw ValidationError.field("localTime", "is not a real date and time");
  }
  // The offset before and after the wall time: the earlier candidate that reads back as the wall time.
  const candidates = [...new Set([offsetAt(zone, wall - 86_400_000), offsetAt(zone, wall + 86_400_000)])].map((offset) => wall - offset).sort((a, b) => a - b);
  const instant = candidates.find((candidate) => candidate + offsetAt(zone, candidate) === wall);
  if (instant === undefined) throw ValidationError.field("localTime", `does not exist in ${zone} (the clocks skip it)`);
  return new Date(instant);
}
