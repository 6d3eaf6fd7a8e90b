import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta, type OutboxEvent } from "@crm/kit";
import type { ResponseName } from "../domain/response";
import { CAMPAIGN_EVENTS } from "./subjects";

export interface SentFacts {
  tenantId: string;
  campaignId: string;
  campaignName: string;
  variant: string;
  messageId: string;
  contactId: string;
  channel: string;
  sentAt: Date;
}

/** campaign.message_sent, exactly as declared: one message of a campaign went to one contact. */
export function messageSent(facts: SentFacts): OutboxEvent {
  const { tenantId, campaignId, campaignName, variant, messageId, contactId, channel, sentAt } = facts;
  return outboxEventWithMeta(
    CAMPAIGN_EVENTS.messageSent,
    tenantId,
    "service:marketing-campaign",
    sentAt,
    (meta) => ({ meta, campaignId, campaignName, variant, messageId, contactId, channel }),
    eventsV1.CampaignMessageSent,
  );
}

export interface ResponseFacts {
  tenantId: string;
  campaignId: string;
  campaignName: string;
  messageId: string;
  contactId: string;
  response: ResponseName;
  linkUrl: string;
  occurredAt: Date;
}

/** campaign.response_recorded, once per provider event (duplicates are dropped before it). */
export function responseRecorded(facts: ResponseFacts): OutboxEvent {
  const { tenantId, campaignId, campaignName, messageId, contactId, response, linkUrl, occurredAt } = facts;
  return outboxEventWithMeta(
    CAMPAIGN_EVENTS.responseRecorded,
    tenantId,
    "service:marketing-campaign",
    occurredAt,
    (meta) => ({ meta, campaignId, campaignName, messageId, contactId, response, linkUrl }),
    eventsV1.CampaignResponseRecorded,
  );
}
