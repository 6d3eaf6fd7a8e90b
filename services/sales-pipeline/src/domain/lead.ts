import { ValidationError, type RecordAudit } from "@crm/kit";

const MAX_NAME = 200;

/** What a client writes. */
export interface LeadDraft {
  name: string;
}

/** The fields of a lead, validated and standardised. */
export interface LeadFields {
  name: string;
}

/** A lead as stored: its fields, its tenant, who made it and when, its version. */
export interface Lead extends LeadFields, RecordAudit {
  id: string;
  tenantId: string;
}

/** The rules every create follows: a name, its spacing tidied. Every problem is reported at once. */
export function prepareLead(draft: LeadDraft): LeadFields {
  const name = draft.name.trim().replace(/\s+/g, " ");
  const violations = [
    ...(name ? [] : [{ field: "lead.name", description: "is required" }]),
    ...(name.length > MAX_NAME ? [{ field: "lead.name", description: `must be at most ${MAX_NAME} characters` }] : []),
  ];
  if (violations.length > 0) throw new ValidationError(violations);
  return { name };
}
