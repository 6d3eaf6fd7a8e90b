import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta, type OutboxEvent } from "@crm/kit";
import type { Campaign } from "../domain/campaign";
import { CAMPAIGN_EVENTS } from "./subjects";

/** campaign.created: the id and name a consumer needs to link and show it. */
export function campaignCreated(campaign: Campaign): OutboxEvent {
  return outboxEventWithMeta(
    CAMPAIGN_EVENTS.created,
    campaign.tenantId,
    campaign.createdBy,
    campaign.createdAt,
    (meta) => ({ meta, campaignId: campaign.id, name: campaign.name }),
    eventsV1.CampaignCreated,
  );
}
