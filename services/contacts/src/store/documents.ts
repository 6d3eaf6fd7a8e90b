/** A document without the fields a domain object leaves undefined, which MongoDB would store as null. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The fields whose values differ, compared by content (object keys in any order). */
export function changedFields<T extends object>(before: T, after: T): string[] {
  return (Object.keys(after) as Array<keyof T & string>).filter((field) => stableJson(before[field]) !== stableJson(after[field]));
}

/** JSON with object keys sorted, so that stored and prepared values compare by content. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
