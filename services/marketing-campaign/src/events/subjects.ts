/**
 * Subjects this service publishes, `crm.marketing-campaign.<entity>.<event>`, on its stream
 * (CRM_MARKETING_CAMPAIGN); the payloads are in proto/crm/events/v1/marketing_campaign.proto. Its
 * erasure confirmations, crm.marketing-campaign.subject.erasure_completed, are the kit's.
 */
export const CAMPAIGN_EVENTS = {
  created: { subject: "crm.marketing-campaign.campaign.created", type: "crm.events.v1.CampaignCreated" },
} as const;
