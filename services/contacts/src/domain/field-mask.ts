import { ValidationError } from "@crm/kit";

/** Field-mask paths in either proto (given_name) or JSON (givenName) spelling, as field names. */
export function maskedFields<F extends string>(paths: string[] | undefined, allowed: readonly F[], prefix: string): F[] {
  if (!paths || paths.length === 0) throw ValidationError.field("updateMask", "names no field to change");
  const fields = paths.map((path) => path.replace(/_([a-z])/g, (_m, letter: string) => letter.toUpperCase()));
  const unknown = fields.filter((field) => !(allowed as readonly string[]).includes(field));
  if (unknown.length > 0) {
    throw ValidationError.field("updateMask", `${unknown.join(", ")} ${unknown.length === 1 ? "is not a field" : "are not fields"} of ${prefix}`);
  }
  return [...new Set(fields)] as F[];
}

/** The stored draft with the masked fields taken from the input. */
export function applyMask<D extends object, F extends keyof D>(stored: D, input: D, fields: F[]): D {
  const next = { ...stored };
  for (const field of fields) next[field] = input[field];
  return next;
}
