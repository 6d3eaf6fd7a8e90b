/**
 * Subjects this service publishes, `crm.marketing-campaign.<entity>.<event>`, on its stream
 * (CRM_MARKETING_CAMPAIGN); the payloads are in proto/crm/events/v1/marketing_campaign.proto. Its
 * erasure confirmations, crm.marketing-campaign.subject.erasure_completed, are the kit's.
 */
export const CAMPAIGN_EVENTS = {
  created: { subject: "crm.marketing-campaign.campaign.created", type: "crm.events.v1.CampaignCreated" },
  scheduled: { subject: "crm.marketing-campaign.campaign.scheduled", type: "crm.events.v1.CampaignScheduled" },
  sent: { subject: "crm.marketing-campaign.campaign.sent", type: "crm.events.v1.CampaignSent" },
  messageSent: { subject: "crm.marketing-campaign.campaign.message_sent", type: "crm.events.v1.CampaignMessageSent" },
  responseRecorded: { subject: "crm.marketing-campaign.campaign.response_recorded", type: "crm.events.v1.CampaignResponseRecorded" },
} as const;

/** What this service consumes from the others (by their declared contracts). */
export const CONSUMED = {
  orders: { service: "sales-pipeline", subject: ["crm.sales-pipeline.order.placed", "crm.sales-pipeline.order.status_changed"] },
  deals: { service: "sales-pipeline", subject: ["crm.sales-pipeline.deal.stage_changed", "crm.sales-pipeline.deal.won", "crm.sales-pipeline.deal.lost"] },
  dealWon: { service: "sales-pipeline", subject: "crm.sales-pipeline.deal.won" },
  tickets: { service: "support-tickets", subject: "crm.support-tickets.ticket.opened" },
  consentChanged: { service: "consent", subject: "crm.consent.consent.changed" },
  contactMerged: { service: "contacts", subject: "crm.contacts.contact.merged" },
} as const;
