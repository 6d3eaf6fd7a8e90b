/**
 * Subjects this service publishes, `crm.consent.<entity>.<event>`, on its stream (CRM_CONSENT);
 * the payloads are in proto/crm/events/v1/consent.proto and erasure.proto. Its own confirmations
 * as a participant of the erasure saga, crm.consent.subject.erasure_completed, are the kit's.
 */
export const PURPOSE_EVENTS = {
  created: { subject: "crm.consent.purpose.created", type: "crm.events.v1.PurposeCreated" },
  updated: { subject: "crm.consent.purpose.updated", type: "crm.events.v1.PurposeUpdated" },
} as const;

export const CONSENT_EVENTS = {
  changed: { subject: "crm.consent.consent.changed", type: "crm.events.v1.ConsentChanged" },
} as const;

export const SUBJECT_REQUEST_EVENTS = {
  /** The kit's ERASURE_REQUESTED: every service's erasure participant consumes it. */
  erasureRequested: { subject: "crm.consent.subject.erasure_requested", type: "crm.events.v1.SubjectErasureRequested" },
  accessRequested: { subject: "crm.consent.subject.access_requested", type: "crm.events.v1.SubjectAccessRequested" },
  completed: { subject: "crm.consent.subject_request.completed", type: "crm.events.v1.SubjectRequestCompleted" },
} as const;

/** Other services' events this one consumes, with their producers. */
export const CONSUMED = {
  contactMerged: { service: "contacts", subject: "crm.contacts.contact.merged" },
} as const;

/** Where a participant confirms an erasure: `crm.<service>.subject.erasure_completed`, on its own stream. */
export const erasureConfirmationsOf = (service: string) => ({ service, subject: `crm.${service}.subject.erasure_completed` });
