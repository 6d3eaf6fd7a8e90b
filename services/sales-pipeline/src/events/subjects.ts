/**
 * Subjects this service publishes, `crm.sales-pipeline.<entity>.<event>`, on its stream
 * (CRM_SALES_PIPELINE); the payloads are in proto/crm/events/v1/sales_pipeline.proto. Its
 * erasure confirmations, crm.sales-pipeline.subject.erasure_completed, are the kit's.
 */
export const LEAD_EVENTS = {
  created: { subject: "crm.sales-pipeline.lead.created", type: "crm.events.v1.LeadCreated" },
} as const;
