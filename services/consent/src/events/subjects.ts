/**
 * Subjects this service publishes, `crm.consent.<entity>.<event>`, on its stream
 * (CRM_CONSENT); the payloads are in proto/crm/events/v1/consent.proto. Its
 * erasure confirmations, crm.consent.subject.erasure_completed, are the kit's.
 */
export const PURPOSE_EVENTS = {
  created: { subject: "crm.consent.purpose.created", type: "crm.events.v1.PurposeCreated" },
} as const;
