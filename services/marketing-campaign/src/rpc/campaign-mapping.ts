import { marketingCampaignV1 } from "@crm/proto";
import { toEtag, ValidationError } from "@crm/kit";
import { fullExclusionCounts } from "../domain/audience";
import type { Campaign, CampaignDraft } from "../domain/campaign";
import { rates, type Figures } from "../domain/metrics";
import { channels, statuses } from "./enums";

export function toCampaignDraft(input: marketingCampaignV1.CampaignInput | undefined): CampaignDraft {
  if (!input) throw ValidationError.field("campaign", "is required");
  return {
    name: input.name,
    purposeId: input.purposeId,
    channel: channels.toName(input.channel),
    segmentId: input.segmentId,
    variants: input.variants.map(({ key, weight, subject, body }) => ({ key, weight, subject, body })),
    fallbacks: { ...input.fallbacks },
    fromAddress: input.fromAddress,
  };
}

export function toProtoCampaign(campaign: Campaign): marketingCampaignV1.Campaign {
  return {
    id: campaign.id,
    name: campaign.name,
    createTime: campaign.createdAt,
    updateTime: campaign.updatedAt,
    createdBy: campaign.createdBy,
    etag: toEtag(campaign.version),
    purposeId: campaign.purposeId,
    channel: channels.fromName(campaign.channel, "channel"),
    segmentId: campaign.segmentId,
    variants: campaign.variants.map(({ key, weight, subject, body }) => ({ key, weight, subject, body })),
    fallbacks: { ...campaign.fallbacks },
    fromAddress: campaign.fromAddress,
    status: statuses.fromName(campaign.status, "status"),
    scheduleTime: campaign.scheduledAt,
    timeZone: campaign.timeZone,
    sendStartTime: campaign.sendStartedAt,
    sendEndTime: campaign.sendEndedAt,
    audience: String(campaign.audience),
    sent: String(campaign.sent),
    excluded: campaign.audienceBuilt ? fullExclusionCounts(campaign.excluded).map(({ reason, count }) => ({ reason, count: String(count) })) : [],
    audienceBuilt: campaign.audienceBuilt,
  };
}

export function toProtoFigures(figures: Figures): marketingCampaignV1.CampaignFigures {
  return {
    audience: String(figures.audience),
    excluded: fullExclusionCounts(figures.excluded).map(({ reason, count }) => ({ reason, count: String(count) })),
    sent: String(figures.sent),
    delivered: String(figures.delivered),
    opened: String(figures.opened),
    clicked: String(figures.clicked),
    bounced: String(figures.bounced),
    complained: String(figures.complained),
    unsubscribed: String(figures.unsubscribed),
    ...rates(figures),
    influencedDeals: String(figures.influencedDeals),
    influencedAmounts: figures.influenced.map((money) => ({ currencyCode: money.currency, amountMinor: String(money.amountMinor) })),
  };
}
