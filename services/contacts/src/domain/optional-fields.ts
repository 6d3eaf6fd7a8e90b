import type { FieldViolation } from "@crm/kit";
import type { ContactDraft } from "./contact";

/**
 * An import may keep a row whose optional fields are invalid (a birthday 1945-04-93, a language
 * "English", a second phone "12"), leaving those fields out, rather than lose the whole row.
 * Returns the draft without them and the violations it dropped, or undefined when a violation
 * concerns a field the row cannot do without (a name, the natural key, an organisation link).
 */
export function withoutInvalidOptionalFields(
  draft: ContactDraft,
  violations: FieldViolation[],
  naturalKey: string,
  prefix = "contact",
): { draft: ContactDraft; dropped: FieldViolation[] } | undefined {
  const repaired: ContactDraft = { ...draft, emails: [...draft.emails], phones: [...draft.phones], customFields: { ...draft.customFields } };
  const removedEmails = new Set<number>();
  const removedPhones = new Set<number>();
  for (const violation of violations) {
    const path = violation.field.startsWith(`${prefix}.`) ? violation.field.slice(prefix.length + 1) : violation.field;
    const entry = /^(emails|phones)\[(\d+)\]\.(address|number)$/.exec(path);
    if (path === "birthday" || path === "language" || path === "timeZone") repaired[path] = "";
    else if (path === "communication.preferredChannel") repaired.communication = { ...repaired.communication, preferredChannel: "" };
    else if (path.startsWith("customFields.")) delete repaired.customFields[path.slice("customFields.".length)];
    // The first e-mail or phone is the natural key when the import is keyed by it: not optional then.
    else if (entry && !(entry[2] === "0" && naturalKey === (entry[1] === "emails" ? "email" : "phone"))) {
      (entry[1] === "emails" ? removedEmails : removedPhones).add(Number(entry[2]));
    } else return undefined;
  }
  repaired.emails = repaired.emails.filter((_, index) => !removedEmails.has(index));
  repaired.phones = repaired.phones.filter((_, index) => !removedPhones.has(index));
  return { draft: repaired, dropped: violations };
}
