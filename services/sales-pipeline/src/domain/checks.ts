import { UUID_PATTERN, ValidationError, type FieldViolation } from "@crm/kit";

/** Tidied text: trimmed, inner spacing reduced to one space. */
export function tidy(text: string | undefined): string {
  return (text ?? "").trim().replace(/\s+/g, " ");
}

/** Collects violations, then throws them all at once. */
export class Violations {
  readonly list: FieldViolation[] = [];

  add(field: string, description: string): void {
    this.list.push({ field, description });
  }

  /** Tidied text of at most `max` characters. */
  text(value: string | undefined, field: string, max = 200): string {
    const tidied = tidy(value);
    if (tidied.length > max) this.add(field, `must be at most ${max} characters`);
    return tidied;
  }

  /** One of the allowed values (empty passes when `optional`). */
  oneOf<T extends string>(value: string, allowed: readonly T[], field: string, fallback?: T): T {
    const given = value.trim();
    if (!given && fallback !== undefined) return fallback;
    if (!(allowed as readonly string[]).includes(given)) this.add(field, `must be one of: ${allowed.join(", ")}`);
    return given as T;
  }

  /** A record id as the platform issues them (a lower-case UUID), or empty when `optional`. */
  id(value: string, field: string, optional = true): string {
    const id = value.trim();
    if (!id) {
      if (!optional) this.add(field, "is required");
      return "";
    }
    if (!UUID_PATTERN.test(id)) this.add(field, "is not an id this API issued (a lower-case UUID)");
    return id;
  }

  /** A calendar date YYYY-MM-DD that exists (empty when `optional`). */
  date(value: string, field: string, optional = true): string {
    const date = value.trim();
    if (!date) {
      if (!optional) this.add(field, "is required");
      return "";
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
      this.add(field, `"${value}" is not a date (YYYY-MM-DD)`);
    }
    return date;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ValidationError(this.list);
  }
}

/** Lower-case tags, tidied, without repeats. */
export function tagsOf(tags: string[], violations: Violations, field: string): string[] {
  if (tags.length > 50) violations.add(field, "takes at most 50 tags");
  const tidied = tags.map((tag, index) => violations.text(tag, `${field}[${index}]`, 50).toLowerCase()).filter(Boolean);
  return [...new Set(tidied)];
}
