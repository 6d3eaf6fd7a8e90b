import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta, type OutboxEvent } from "@crm/kit";
import { fullExclusionCounts } from "../domain/audience";
import type { Campaign } from "../domain/campaign";
import { CAMPAIGN_EVENTS } from "./subjects";

/** campaign.created: the id and name a consumer needs to link and show it. */
export function campaignCreated(campaign: Campaign): OutboxEvent {
  return outboxEventWithMeta(CAMPAIGN_EVENTS.created, campaign.tenantId, campaign.createdBy, campaign.createdAt, (meta) => ({ meta, campaignId: campaign.id, name: campaign.name }), eventsV1.CampaignCreated);
}

/** campaign.scheduled: scheduled for a time, or started now (the time is then now). */
export function campaignScheduled(campaign: Campaign, actor: string, at: Date): OutboxEvent {
  return outboxEventWithMeta(
    CAMPAIGN_EVENTS.scheduled,
    campaign.tenantId,
    actor,
    at,
    (meta) => ({ meta, campaignId: campaign.id, campaignName: campaign.name, purposeId: campaign.purposeId, channel: campaign.channel, scheduleTime: campaign.scheduledAt ?? at }),
    eventsV1.CampaignScheduled,
  );
}

/** campaign.sent: every recipient was sent to; the audience, the sends and the exclusions by reason. */
export function campaignSent(campaign: Campaign, at: Date): OutboxEvent {
  return outboxEventWithMeta(
    CAMPAIGN_EVENTS.sent,
    campaign.tenantId,
    "service:marketing-campaign",
    at,
    (meta) => ({
      meta,
      campaignId: campaign.id,
      campaignName: campaign.name,
      channel: campaign.channel,
      audience: String(campaign.audience),
      sent: String(campaign.sent),
      excluded: fullExclusionCounts(campaign.excluded).map(({ reason, count }) => ({ reason, count: String(count) })),
    }),
    eventsV1.CampaignSent,
  );
}
