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
}

export type FieldSpecs = Record<string, FieldSpec>;
