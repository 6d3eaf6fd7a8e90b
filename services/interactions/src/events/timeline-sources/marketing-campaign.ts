import { eventsV1 } from "@crm/proto";
import { contact, link, timelineEvent, timelineSource } from "./source";

const CHANNELS: Record<string, string> = { email: "E-mail", sms: "SMS" };
const RESPONSES: Record<string, string> = {
  delivered: "delivered",
  opened: "opened",
  clicked: "clicked",
  soft_bounced: "bounced (soft)",
  hard_bounced: "bounced (hard)",
  complained: "marked as spam",
  unsubscribed: "unsubscribed",
};
const campaign = link("campaign");

/** The marketing-campaign service on timelines: each campaign message sent to a contact, and each response to it. */
export const marketingCampaignTimeline = timelineSource("marketing-campaign", [
  timelineEvent("crm.marketing-campaign.campaign.message_sent", eventsV1.CampaignMessageSent, (event, occurredAt) => ({
    kind: "campaign.message_sent",
    occurredAt,
    summary: `${CHANNELS[event.channel] ?? event.channel} sent: ${event.campaignName}${event.variant ? ` (variant ${event.variant})` : ""}`,
    links: contact(event.contactId),
    about: campaign(event.campaignId)[0],
  })),
  timelineEvent("crm.marketing-campaign.campaign.response_recorded", eventsV1.CampaignResponseRecorded, (event, occurredAt) => ({
    kind: `campaign.${event.response}`,
    occurredAt,
    summary: `Campaign ${event.campaignName}: ${RESPONSES[event.response] ?? event.response}${event.response === "clicked" && event.linkUrl ? ` ${event.linkUrl}` : ""}`,
    links: contact(event.contactId),
    about: campaign(event.campaignId)[0],
  })),
]);
