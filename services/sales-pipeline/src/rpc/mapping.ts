import { salesPipelineV1 } from "@crm/proto";
import { toEtag, ValidationError } from "@crm/kit";
import type { Lead, LeadDraft } from "../domain/lead";

export function toProtoLead(lead: Lead): salesPipelineV1.Lead {
  return {
    id: lead.id,
    name: lead.name,
    createTime: lead.createdAt,
    updateTime: lead.updatedAt,
    createdBy: lead.createdBy,
    etag: toEtag(lead.version),
  };
}

export function toLeadDraft(input: salesPipelineV1.LeadInput | undefined): LeadDraft {
  if (!input) throw ValidationError.field("lead", "is required");
  return { name: input.name };
}
