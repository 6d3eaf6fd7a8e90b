import { ValidationError, type RecordAudit } from "@crm/kit";

const MAX_NAME = 200;

/** What a client writes. */
export interface InteractionDraft {
  name: string;
}

/** The fields of a interaction, validated and standardised. */
export interface InteractionFields {
  name: string;
}

/** A interaction as stored: its fields, its tenant, who made it and when, its version. */
export interface Interaction extends InteractionFields, RecordAudit {
  id: string;
  tenantId: string;
}

/** The rules every create follows: a name, its spacing tidied. Every problem is reported at once. */
export function prepareInteraction(draft: InteractionDraft): InteractionFields {
  const name = draft.name.trim().replace(/\s+/g, " ");
  const violations = [
    ...(name ? [] : [{ field: "interaction.name", description: "is required" }]),
    ...(name.length > MAX_NAME ? [{ field: "interaction.name", description: `must be at most ${MAX_NAME} characters` }] : []),
  ];
  if (violations.length > 0) throw new ValidationError(violations);
  return { name };
}
