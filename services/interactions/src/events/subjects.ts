/**
 * Subjects this service publishes, `crm.interactions.<entity>.<event>`, on its stream
 * (CRM_INTERACTIONS); the payloads are in proto/crm/events/v1/interactions.proto. Its
 * erasure confirmations, crm.interactions.subject.erasure_completed, are the kit's.
 */
export const INTERACTION_EVENTS = {
  created: { subject: "crm.interactions.interaction.created", type: "crm.events.v1.InteractionCreated" },
} as const;
