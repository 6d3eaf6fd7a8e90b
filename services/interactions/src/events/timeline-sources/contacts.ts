import { eventsV1 } from "@crm/proto";
import { contact, organization, timelineEvent, timelineSource } from "./source";

/**
 * The contacts service on timelines: a contact or an organisation created, contacts merged and
 * merges undone. (What a merge does to the links of everything else is events/contact-fates.ts.)
 */
export const contactsTimeline = timelineSource("contacts", [
  timelineEvent("crm.contacts.contact.created", eventsV1.ContactCreated, (event, occurredAt) => ({
    kind: "contact.created",
    occurredAt,
    summary: `Contact created: ${event.displayName}`,
    links: [...contact(event.contactId), ...event.organizationIds.flatMap(organization)],
    about: contact(event.contactId)[0],
  })),
  timelineEvent("crm.contacts.contact.merged", eventsV1.ContactMerged, (event, occurredAt) => ({
    kind: "contact.merged",
    occurredAt,
    summary: "A duplicate contact was merged into this one",
    links: [...contact(event.survivorId), ...contact(event.mergedId)],
    about: contact(event.survivorId)[0],
  })),
  timelineEvent("crm.contacts.contact.merge_undone", eventsV1.ContactMergeUndone, (event, occurredAt) => ({
    kind: "contact.merge_undone",
    occurredAt,
    summary: "A merge was undone: the duplicate contact is a contact of its own again",
    links: [...contact(event.survivorId), ...contact(event.restoredId)],
    about: contact(event.restoredId)[0],
  })),
  timelineEvent("crm.contacts.organization.created", eventsV1.OrganizationChanged, (event, occurredAt) => ({
    kind: "organization.created",
    occurredAt,
    summary: `Organisation created: ${event.name}`,
    links: organization(event.organizationId),
    about: organization(event.organizationId)[0],
  })),
]);
