import { ValidationError } from "@crm/kit";

/** The paths of a field mask, checked against what may change; an empty mask is refused (nothing to do). */
export function maskPaths(mask: string[] | undefined, allowed: readonly string[], field = "updateMask"): string[] {
  const paths = [...new Set(mask ?? [])];
  if (paths.length === 0) throw ValidationError.field(field, "names no field to change");
  const unknown = paths.filter((path) => !allowed.includes(path));
  if (unknown.length > 0) throw ValidationError.field(field, `cannot change ${unknown.join(", ")} (only ${allowed.join(", ")})`);
  return paths;
}

/** The etag a caller sent, as a version: empty skips the check. */
export function versionOf(etag: string): number | undefined {
  if (!etag) return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(etag.trim());
  if (!match) throw ValidationError.field("etag", 'is not an etag this API issued (e.g. W/"3")');
  return Number(match[1]);
}
