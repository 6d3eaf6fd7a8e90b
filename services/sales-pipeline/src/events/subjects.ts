/**
 * Subjects this service publishes, `crm.sales-pipeline.<entity>.<event>`, on its stream
 * (CRM_SALES_PIPELINE); the payloads are in proto/crm/events/v1/sales_pipeline.proto. Its
 * erasure confirmations, crm.sales-pipeline.subject.erasure_completed, are the kit's.
 */
export const LEAD_EVENTS = {
  created: { subject: "crm.sales-pipeline.lead.created", type: "crm.events.v1.LeadCreated" },
  scoreChanged: { subject: "crm.sales-pipeline.lead.score_changed", type: "crm.events.v1.LeadScoreChanged" },
  converted: { subject: "crm.sales-pipeline.lead.converted", type: "crm.events.v1.LeadConverted" },
} as const;

export const DEAL_EVENTS = {
  created: { subject: "crm.sales-pipeline.deal.created", type: "crm.events.v1.DealCreated" },
  stageChanged: { subject: "crm.sales-pipeline.deal.stage_changed", type: "crm.events.v1.DealStageChanged" },
  won: { subject: "crm.sales-pipeline.deal.won", type: "crm.events.v1.DealWon" },
  lost: { subject: "crm.sales-pipeline.deal.lost", type: "crm.events.v1.DealLost" },
} as const;

export const ORDER_EVENTS = {
  placed: { subject: "crm.sales-pipeline.order.placed", type: "crm.events.v1.OrderPlaced" },
  statusChanged: { subject: "crm.sales-pipeline.order.status_changed", type: "crm.events.v1.OrderStatusChanged" },
} as const;

/** What other services tell this one: behaviour that scores leads, and what becomes of contacts. */
export const CONSUMED = {
  interactions: { service: "interactions", subject: "crm.interactions.interaction.logged" },
  campaignResponses: { service: "marketing-campaign", subject: "crm.marketing-campaign.campaign.response_recorded" },
  contactMerged: { service: "contacts", subject: "crm.contacts.contact.merged" },
} as const;
