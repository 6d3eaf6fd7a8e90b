import { UUID_PATTERN, type FieldViolation } from "@crm/kit";

/** Records of any service that interactions, tasks and timeline entries link to. */
export const RECORD_TYPES = ["contact", "organization", "deal", "lead", "order", "ticket", "campaign", "interaction", "task"] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** Records that have a timeline of their own. */
export const TIMELINE_RECORD_TYPES = ["contact", "organization", "deal"] as const satisfies readonly RecordType[];

/** A record by type and id. Producers may name types this service does not know yet. */
export interface RecordRef {
  type: string;
  id: string;
}

/** The key a link is stored and queried by: `contact:<id>`. */
export const refKey = (ref: RecordRef): string => `${ref.type}:${ref.id}`;

export function refFromKey(key: string): RecordRef {
  const colon = key.indexOf(":");
  return { type: key.slice(0, colon), id: key.slice(colon + 1) };
}

/**
 * What became of contacts that were merged or erased (only those): the contact each now stands
 * for, or null when it was erased. A contact absent from it stands for itself.
 */
export type ContactResolution = ReadonlyMap<string, string | null>;

/** The contact an id stands for now, or null when it was erased. */
export function resolveContact(id: string, resolution: ContactResolution): string | null {
  return resolution.has(id) ? resolution.get(id)! : id;
}

/** Whether a link names a contact that was erased: what names it must not be kept or shown. */
export function linksErasedContact(links: RecordRef[], resolution: ContactResolution): boolean {
  return links.some((link) => link.type === "contact" && resolveContact(link.id, resolution) === null);
}

/**
 * The keys lists and timelines find a record by: one per link, merged contacts followed to the
 * contact they were merged into (so that its timeline shows what the merged one had, once), and
 * erased contacts left out.
 */
export function resolvedRefs(links: RecordRef[], resolution: ContactResolution): string[] {
  const refs = new Set<string>();
  for (const link of links) {
    const id = link.type === "contact" ? resolveContact(link.id, resolution) : link.id;
    if (id) refs.add(refKey({ type: link.type, id }));
  }
  return [...refs];
}

/** The contact ids among links. */
export const contactIdsOf = (links: RecordRef[]): string[] => links.filter((link) => link.type === "contact").map((link) => link.id);

/** Violations of links written by a client: known types, ids this platform issues, no repeats. */
export function linkViolations(links: RecordRef[], field: string, max: number): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (links.length > max) violations.push({ field, description: `takes at most ${max} links` });
  links.forEach((link, i) => {
    if (!(RECORD_TYPES as readonly string[]).includes(link.type)) violations.push({ field: `${field}[${i}].type`, description: `must be one of: ${RECORD_TYPES.join(", ")}` });
    if (!UUID_PATTERN.test(link.id)) violations.push({ field: `${field}[${i}].id`, description: "is not an id this API issued" });
  });
  return violations;
}

/** Links without repeats, in the order given. */
export function uniqueLinks(links: RecordRef[]): RecordRef[] {
  const seen = new Set<string>();
  return links.filter((link) => !seen.has(refKey(link)) && Boolean(seen.add(refKey(link))));
}
