import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta as event, type OutboxEvent } from "@crm/kit";
import type { Contact } from "../domain/contact";
import type { Organization } from "../domain/organization";
import { CONTACT_EVENTS, ORGANIZATION_EVENTS } from "./subjects";

const summary = (contact: Contact) => ({
  contactId: contact.id,
  displayName: contact.displayName,
  relationshipType: contact.relationshipType,
  ownerId: contact.ownerId,
  organizationIds: contact.organizations.map((o) => o.organizationId),
});

/** contact.created: the ids and the summary a timeline needs, not the contact's details. */
export function contactCreated(contact: Contact, actor: string): OutboxEvent {
  return event(CONTACT_EVENTS.created, contact.tenantId, actor, contact.createdAt, (meta) => ({ meta, ...summary(contact) }), eventsV1.ContactCreated);
}

export function contactUpdated(contact: Contact, changedFields: string[], actor: string): OutboxEvent {
  return event(CONTACT_EVENTS.updated, contact.tenantId, actor, contact.updatedAt, (meta) => ({ meta, ...summary(contact), changedFields }), eventsV1.ContactUpdated);
}

export function contactMerged(tenantId: string, ids: { survivorId: string; mergedId: string; mergeId: string }, actor: string, at: Date): OutboxEvent {
  return event(CONTACT_EVENTS.merged, tenantId, actor, at, (meta) => ({ meta, ...ids }), eventsV1.ContactMerged);
}

export function contactMergeUndone(tenantId: string, ids: { survivorId: string; restoredId: string; mergeId: string }, actor: string, at: Date): OutboxEvent {
  return event(CONTACT_EVENTS.mergeUndone, tenantId, actor, at, (meta) => ({ meta, ...ids }), eventsV1.ContactMergeUndone);
}

export function contactDeleted(contact: Contact, actor: string, at: Date): OutboxEvent {
  return event(CONTACT_EVENTS.deleted, contact.tenantId, actor, at, (meta) => ({ meta, contactId: contact.id }), eventsV1.ContactDeleted);
}

export function contactErased(contact: Contact, requestId: string, at: Date): OutboxEvent {
  return event(CONTACT_EVENTS.erased, contact.tenantId, "service:contacts", at, (meta) => ({ meta, contactId: contact.id, requestId }), eventsV1.ContactErased);
}

export function organizationChanged(kind: "created" | "updated", organization: Organization, changedFields: string[], actor: string): OutboxEvent {
  return event(
    ORGANIZATION_EVENTS[kind],
    organization.tenantId,
    actor,
    organization.updatedAt,
    (meta) => ({ meta, organizationId: organization.id, name: organization.name, domain: organization.domain, parentId: organization.parentId, changedFields }),
    eventsV1.OrganizationChanged,
  );
}
