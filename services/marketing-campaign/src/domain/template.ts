import { ValidationError } from "@crm/kit";

/**
 * Content templates: `{{givenName}}`, `{{ familyName | there }}` (text after the bar is the
 * fallback when the contact has no value), `{{custom.tier}}` for custom fields. Only these
 * fields exist; an unknown one is refused when the campaign is saved, not at send time.
 */
export const PERSONALISATION_FIELDS = ["givenName", "familyName", "displayName", "email", "phone", "title", "jobRole", "language", "city", "country"] as const;

const PLACEHOLDER = /\{\{\s*([A-Za-z][\w.-]*)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;
const CUSTOM = /^custom\.[a-z][a-z0-9_]{0,49}$/;

export interface Placeholder {
  field: string;
  fallback: string | undefined;
}

export function placeholdersOf(template: string): Placeholder[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => ({ field: match[1]!, fallback: match[2] }));
}

/** The fields a template uses (to snapshot only those of each recipient); refuses unknown ones. */
export function templateFields(template: string, path: string): string[] {
  const fields = placeholdersOf(template).map((placeholder) => placeholder.field);
  const unknown = fields.filter((field) => !(PERSONALISATION_FIELDS as readonly string[]).includes(field) && !CUSTOM.test(field));
  if (unknown.length > 0) {
    throw ValidationError.field(path, `uses unknown personalisation fields: ${[...new Set(unknown)].join(", ")} (use ${PERSONALISATION_FIELDS.join(", ")} or custom.<key>)`);
  }
  if (/\{\{(?![^}]*\}\})/.test(template)) throw ValidationError.field(path, "has a {{ without its closing }}");
  return [...new Set(fields)];
}

/**
 * The template with each placeholder replaced: the contact's value, else the placeholder's own
 * fallback, else the campaign's fallback for that field, else nothing.
 */
export function render(template: string, values: Readonly<Record<string, string>>, fallbacks: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_match, field: string, fallback: string | undefined) => {
    const value = values[field]?.trim();
    return value || fallback || fallbacks[field] || "";
  });
}
