/** Subjects this service publishes, `crm.contacts.<entity>.<event>`; the payloads are in proto/crm/events/v1. */
export const CONTACT_EVENTS = {
  created: { subject: "crm.contacts.contact.created", type: "crm.events.v1.ContactCreated" },
} as const;
