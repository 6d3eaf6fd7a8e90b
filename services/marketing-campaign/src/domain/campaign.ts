import { ValidationError, type RecordAudit } from "@crm/kit";

const MAX_NAME = 200;

/** What a client writes. */
export interface CampaignDraft {
  name: string;
}

/** The fields of a campaign, validated and standardised. */
export interface CampaignFields {
  name: string;
}

/** A campaign as stored: its fields, its tenant, who made it and when, its version. */
export interface Campaign extends CampaignFields, RecordAudit {
  id: string;
  tenantId: string;
}

/** The rules every create follows: a name, its spacing tidied. Every problem is reported at once. */
export function prepareCampaign(draft: CampaignDraft): CampaignFields {
  const name = draft.name.trim().replace(/\s+/g, " ");
  const violations = [
    ...(name ? [] : [{ field: "campaign.name", description: "is required" }]),
    ...(name.length > MAX_NAME ? [{ field: "campaign.name", description: `must be at most ${MAX_NAME} characters` }] : []),
  ];
  if (violations.length > 0) throw new ValidationError(violations);
  return { name };
}
