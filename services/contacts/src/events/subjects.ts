/** Subjects this service publishes, `crm.contacts.<entity>.<event>`; the payloads are in proto/crm/events/v1. */
export const CONTACT_EVENTS = {
  created: { subject: "crm.contacts.contact.created", type: "crm.events.v1.ContactCreated" },
  updated: { subject: "crm.contacts.contact.updated", type: "crm.events.v1.ContactUpdated" },
  merged: { subject: "crm.contacts.contact.merged", type: "crm.events.v1.ContactMerged" },
  mergeUndone: { subject: "crm.contacts.contact.merge_undone", type: "crm.events.v1.ContactMergeUndone" },
  deleted: { subject: "crm.contacts.contact.deleted", type: "crm.events.v1.ContactDeleted" },
  erased: { subject: "crm.contacts.contact.erased", type: "crm.events.v1.ContactErased" },
} as const;

export const ORGANIZATION_EVENTS = {
  created: { subject: "crm.contacts.organization.created", type: "crm.events.v1.OrganizationChanged" },
  updated: { subject: "crm.contacts.organization.updated", type: "crm.events.v1.OrganizationChanged" },
} as const;

/**
 * Subjects of other services this one consumes, with their producers' streams. Erasure requests
 * (and this service's confirmations, crm.contacts.subject.erasure_completed) are the kit's:
 * every service takes part in that saga the same way.
 */
export const CONSUMED = {
  interactionLogged: { service: "interactions", subject: "crm.interactions.interaction.logged" },
} as const;
