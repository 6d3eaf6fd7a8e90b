/** How one API field of a list route maps to storage, and what its values may be. */
export interface FieldSpec {
  /** Path in the document, e.g. `address.country`. */
  path: string;
  type: "string" | "number" | "date" | "boolean" | "enum";
  /** Allowed values, for `enum`. */
  values?: readonly string[];
  /** Brings a value to its stored form (case, spacing, codes). */
  normalise?: (value: string) => string;
  /** Whether the field can order a list; it must then be set on every document. */
  sortable?: boolean;
  /**
   * For values kept as entries of an array of {key, value} documents (the attribute pattern,
   * which one compound index serves for every key): the array and what identifies the entry.
   * `path` is then the value's path inside the entry.
   */
  element?: { array: string; match: Record<string, string> };
}

export type FieldSpecs = Record<string, FieldSpec>;
