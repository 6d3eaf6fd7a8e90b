import { UUID_PATTERN, ValidationError, type FieldViolation, type RecordAudit } from "@crm/kit";
import { prepareBehaviour, type BehaviourCondition, type BehaviourConditionDraft } from "./behaviour";

export const SEGMENT_KINDS = ["dynamic", "static"] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];

const MAX_NAME = 200;
const MAX_DESCRIPTION = 2_000;
/** Members of a static list; larger audiences are dynamic segments (a tag, an import's source). */
export const MAX_STATIC_MEMBERS = 10_000;

/** What a client writes. The filter is the shared filter tree (crm.common.v1.Filter), as JSON. */
export interface SegmentDraft {
  name: string;
  description: string;
  kind: string;
  filterJson: string;
  behaviour: BehaviourConditionDraft[];
  contactIds: string[];
}

/** A segment's fields, checked: a dynamic one has a filter and/or behaviour; a static one lists its members. */
export interface SegmentFields {
  name: string;
  description: string;
  kind: SegmentKind;
  /** The contacts' filter (crm.common.v1.Filter as JSON); "" for every contact. */
  filterJson: string;
  behaviour: BehaviourCondition[];
  contactIds: string[];
}

export interface Segment extends SegmentFields, RecordAudit {
  id: string;
  tenantId: string;
}

/** The rules every create and update follows; the filter's fields are the contacts service's to check. */
export function prepareSegment(draft: SegmentDraft): SegmentFields {
  const violations: FieldViolation[] = [];
  const name = draft.name.trim().replace(/\s+/g, " ");
  if (!name) violations.push({ field: "segment.name", description: "is required" });
  if (name.length > MAX_NAME) violations.push({ field: "segment.name", description: `must be at most ${MAX_NAME} characters` });
  const description = draft.description.trim();
  if (description.length > MAX_DESCRIPTION) violations.push({ field: "segment.description", description: `must be at most ${MAX_DESCRIPTION} characters` });
  const kind = (draft.kind || "dynamic") as SegmentKind;
  if (!SEGMENT_KINDS.includes(kind)) violations.push({ field: "segment.kind", description: `must be one of ${SEGMENT_KINDS.join(", ")}` });
  const contactIds = [...new Set(draft.contactIds.map((id) => id.trim()))];
  if (kind === "static") {
    if (contactIds.length > MAX_STATIC_MEMBERS) violations.push({ field: "segment.contactIds", description: `takes at most ${MAX_STATIC_MEMBERS} contacts` });
    const invalid = contactIds.findIndex((id) => !UUID_PATTERN.test(id));
    if (invalid >= 0) violations.push({ field: `segment.contactIds[${invalid}]`, description: "is not a contact id" });
  } else if (contactIds.length > 0) {
    violations.push({ field: "segment.contactIds", description: "are only for static segments" });
  }
  let behaviour: BehaviourCondition[] = [];
  try {
    behaviour = prepareBehaviour(draft.behaviour);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    violations.push(...error.violations);
  }
  if (violations.length > 0) throw new ValidationError(violations);
  return { name, description, kind, filterJson: draft.filterJson, behaviour, contactIds: kind === "static" ? contactIds : [] };
}
