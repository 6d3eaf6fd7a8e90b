import { ValidationError } from "./errors";

/**
 * Applies an update's field mask: the draft read from storage, with the masked fields taken from
 * the input. `fields` maps each API path (JSON spelling; proto snake_case is accepted too) to
 * the draft key it changes. Returns the new draft and the API paths that the mask named.
 */
export function applyFieldMask<D extends object>(paths: string[], fields: Record<string, keyof D>, stored: D, input: D, record: string): { draft: D; changed: string[] } {
  if (paths.length === 0) throw ValidationError.field("updateMask", "names no field to change");
  const named = [...new Set(paths.map((path) => path.trim().replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase())))];
  const unknown = named.filter((path) => !Object.hasOwn(fields, path));
  if (unknown.length > 0) {
    throw ValidationError.field("updateMask", `${unknown.join(", ")} ${unknown.length === 1 ? "is not a field" : "are not fields"} of ${record} (use: ${Object.keys(fields).join(", ")})`);
  }
  const draft = { ...stored };
  for (const path of named) {
    const key = fields[path]!;
    draft[key] = input[key];
  }
  return { draft, changed: named };
}

/** The version an etag names (`W/"3"` or `"3"`); undefined for none, which skips the check. */
export function etagVersion(etag: string): number | undefined {
  if (!etag.trim()) return undefined;
  const version = /^(?:W\/)?"(\d+)"$/.exec(etag.trim())?.[1];
  if (version === undefined) throw ValidationError.field("etag", 'is not an etag this API issued (e.g. W/"3")');
  return Number(version);
}
