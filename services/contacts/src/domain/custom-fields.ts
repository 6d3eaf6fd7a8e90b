import { ConflictError, ValidationError } from "@crm/kit";
import { tidyText } from "./normalise";

export const CUSTOM_FIELD_TYPES = ["text", "number", "boolean", "date", "select"] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

/** A tenant's own field on contacts, e.g. { key: "shoeSize", type: "number" }. */
export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
}

/** Stored with its type, so that filters compare numbers as numbers and dates as dates. */
export type CustomValue = string | number | boolean | Date;

const KEY = /^[a-z][A-Za-z0-9]{0,39}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DEFINITIONS = 100;
const MAX_TEXT = 1_000;

export function prepareDefinition(definition: CustomFieldDefinition, existing: CustomFieldDefinition[]): CustomFieldDefinition {
  const problems: Array<[string, string]> = [];
  if (!KEY.test(definition.key)) problems.push(["key", "must be lower camel case, letters and digits, at most 40 (e.g. shoeSize)"]);
  const label = tidyText(definition.label) || definition.key;
  const options = [...new Set(definition.options.map(tidyText).filter(Boolean))];
  if (definition.type === "select" && options.length === 0) problems.push(["options", "a select field needs at least one option"]);
  if (definition.type !== "select" && options.length > 0) problems.push(["options", "only select fields take options"]);
  if (problems.length) {
    throw new ValidationError(problems.map(([field, description]) => ({ field: `definition.${field}`, description })));
  }
  // A valid definition can still clash with what is stored: that is a conflict, not bad input.
  const previous = existing.find((d) => d.key === definition.key);
  if (previous && previous.type !== definition.type) {
    throw new ConflictError(`custom field ${definition.key} stays ${previous.type}: stored values were validated as such`);
  }
  if (!previous && existing.length >= MAX_DEFINITIONS) throw new ConflictError(`a tenant has at most ${MAX_DEFINITIONS} custom fields`);
  return { key: definition.key, label, type: definition.type, options };
}

/** Converts text values to their defined types; unknown keys and bad values are violations. */
export function validateCustomValues(
  values: Record<string, string>,
  definitions: CustomFieldDefinition[],
  violation: (field: string, description: string) => void,
): Record<string, CustomValue> {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const result: Record<string, CustomValue> = {};
  for (const [key, raw] of Object.entries(values)) {
    const definition = byKey.get(key);
    if (!definition) {
      violation(key, "is not a custom field of this tenant (define it first)");
      continue;
    }
    const text = raw.trim();
    if (text === "") continue;
    const value = convertCustomValue(text, definition);
    if (typeof value === "object" && "error" in value) violation(key, value.error);
    else result[key] = value;
  }
  return result;
}

export function convertCustomValue(text: string, definition: CustomFieldDefinition): CustomValue | { error: string } {
  switch (definition.type) {
    case "text":
      return text.length > MAX_TEXT ? { error: `must be at most ${MAX_TEXT} characters` } : tidyText(text);
    case "number": {
      const value = Number(text);
      return Number.isFinite(value) ? value : { error: `"${text}" is not a number` };
    }
    case "boolean":
      return text === "true" || text === "false" ? text === "true" : { error: "must be true or false" };
    case "date": {
      const value = new Date(`${text}T00:00:00Z`);
      return DATE.test(text) && !Number.isNaN(value.getTime()) ? value : { error: "must be a date, YYYY-MM-DD" };
    }
    case "select":
      return definition.options.includes(text) ? text : { error: `must be one of: ${definition.options.join(", ")}` };
  }
}

/** The canonical text of a stored value, as the API shows it. */
export function customValueText(value: CustomValue): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
}
