import { ValidationError } from "@crm/kit";
import { CONTACT_FIELD_NAMES, type ContactFieldName, type ContactFields } from "./contact";

export interface MergePlan {
  fields: ContactFields;
  /** Field -> id of the record its value came from; both ids where lists were united. */
  sources: Record<string, string>;
}

const LIST_KEYS: Partial<Record<ContactFieldName, (value: never) => string>> = {
  emails: (e: { address: string }) => e.address,
  phones: (p: { number: string }) => p.number,
  addresses: (a: { type: string; lines: string[]; postalCode: string; country: string }) => JSON.stringify([a.lines, a.postalCode, a.country]),
  tags: (t: string) => t,
  interests: (i: string) => i,
  organizations: (o: { organizationId: string }) => o.organizationId,
};

/**
 * Combines two records field by field. The survivor's values win, except for the fields the
 * caller takes from the merged record; an empty survivor field is filled from the merged one;
 * lists (e-mails, phones, addresses, tags, interests, organisations) are united, the winner's
 * entries first so that its primary stays primary; maps are united the same way.
 */
export function planMerge(
  survivor: ContactFields & { id: string },
  merged: ContactFields & { id: string },
  fieldsFromMerged: ContactFieldName[],
): MergePlan {
  const unknown = fieldsFromMerged.filter((field) => !CONTACT_FIELD_NAMES.includes(field));
  if (unknown.length) throw ValidationError.field("fieldsFromMerged", `${unknown.join(", ")} are not contact fields`);
  const fields = { ...survivor } as Record<ContactFieldName, unknown>;
  const sources: Record<string, string> = {};
  for (const field of CONTACT_FIELD_NAMES) {
    const takeMerged = fieldsFromMerged.includes(field);
    const [first, second] = takeMerged ? [merged, survivor] : [survivor, merged];
    const a = first[field] as unknown;
    const b = second[field] as unknown;
    const keyOf = LIST_KEYS[field] as ((value: unknown) => string) | undefined;
    if (keyOf && Array.isArray(a) && Array.isArray(b)) {
      const united = [...new Map([...a, ...b].map((entry) => [keyOf(entry), entry])).values()];
      fields[field] = field === "emails" || field === "phones" ? united.map((entry, i) => ({ ...entry, primary: i === 0 })) : united;
      sources[field] = b.length === 0 ? first.id : a.length === 0 ? second.id : `${first.id},${second.id}`;
    } else if (isRecord(a) && isRecord(b) && (field === "preferences" || field === "customFields")) {
      fields[field] = { ...b, ...a };
      sources[field] = Object.keys(b).length === 0 ? first.id : `${first.id},${second.id}`;
    } else {
      const chosen = isEmpty(a) && !isEmpty(b) ? second : first;
      fields[field] = chosen[field];
      sources[field] = chosen.id;
    }
  }
  return { fields: fields as unknown as ContactFields, sources };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (isRecord(value) && "preferredChannel" in value) return !value.preferredChannel && !value.doNotEmail && !value.doNotCall && !value.doNotMail;
  return false;
}
