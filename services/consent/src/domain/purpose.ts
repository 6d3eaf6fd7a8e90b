import { ValidationError, type RecordAudit } from "@crm/kit";

const MAX_NAME = 200;

/** What a client writes. */
export interface PurposeDraft {
  name: string;
}

/** The fields of a purpose, validated and standardised. */
export interface PurposeFields {
  name: string;
}

/** A purpose as stored: its fields, its tenant, who made it and when, its version. */
export interface Purpose extends PurposeFields, RecordAudit {
  id: string;
  tenantId: string;
}

/** The rules every create follows: a name, its spacing tidied. Every problem is reported at once. */
export function preparePurpose(draft: PurposeDraft): PurposeFields {
  const name = draft.name.trim().replace(/\s+/g, " ");
  const violations = [
    ...(name ? [] : [{ field: "purpose.name", description: "is required" }]),
    ...(name.length > MAX_NAME ? [{ field: "purpose.name", description: `must be at most ${MAX_NAME} characters` }] : []),
  ];
  if (violations.length > 0) throw new ValidationError(violations);
  return { name };
}
