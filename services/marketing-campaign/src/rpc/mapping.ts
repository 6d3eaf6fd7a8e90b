import { marketingCampaignV1 } from "@crm/proto";
import { toEtag, ValidationError } from "@crm/kit";
import type { Campaign, CampaignDraft } from "../domain/campaign";

export function toProtoCampaign(campaign: Campaign): marketingCampaignV1.Campaign {
  return {
    id: campaign.id,
    name: campaign.name,
    createTime: campaign.createdAt,
    updateTime: campaign.updatedAt,
    createdBy: campaign.createdBy,
    etag: toEtag(campaign.version),
  };
}

export function toCampaignDraft(input: marketingCampaignV1.CampaignInput | undefined): CampaignDraft {
  if (!input) throw ValidationError.field("campaign", "is required");
  return { name: input.name };
}
