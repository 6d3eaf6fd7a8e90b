// Every event payload of crm.events.v1, whichever file declares it.
export { ContactCreated, ContactDeleted, ContactErased, ContactMerged, ContactMergeUndone, ContactUpdated, OrganizationChanged } from "./gen/crm/events/v1/contacts";
export { SubjectErasureCompleted, SubjectErasureRequested } from "./gen/crm/events/v1/erasure";
export { InteractionLogged } from "./gen/crm/events/v1/interactions";
