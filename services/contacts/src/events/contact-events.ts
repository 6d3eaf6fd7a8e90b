import { eventsV1 } from "@crm/proto";
import { outboxEvent, uuidv7, type OutboxEvent } from "@crm/kit";
import type { Contact } from "../domain/contact";
import { CONTACT_EVENTS } from "./subjects";

/** contact.created: the ids and the summary a timeline needs, not the contact's details. */
export function contactCreatedEvent(contact: Contact, actor: string): OutboxEvent {
  const id = uuidv7();
  const payload = eventsV1.ContactCreated.encode({
    meta: { eventId: id, tenantId: contact.tenantId, occurTime: contact.createdAt, actor },
    contactId: contact.id,
    displayName: contact.displayName,
    relationshipType: contact.relationshipType,
    ownerId: "",
  }).finish();
  return outboxEvent({ id, ...CONTACT_EVENTS.created, tenantId: contact.tenantId, payload });
}
