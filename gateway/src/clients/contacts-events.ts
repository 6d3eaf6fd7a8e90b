import { eventsV1 } from "@crm/proto";
import { ReadCache } from "../cache/read-cache";
import type { InvalidationSource } from "../cache/event-invalidation";

/** Kinds of the contacts service's resources that the gateway caches (ReadCache.key). */
export const CONTACT_KIND = "contact";
export const ORGANIZATION_KIND = "organization";

type Ids = (payload: Uint8Array) => Array<[kind: string, id: string]>;

/** What each event of the contacts service changed, by event type. */
const CHANGED: Record<string, Ids> = {
  "crm.events.v1.ContactCreated": (p) => [[CONTACT_KIND, eventsV1.ContactCreated.decode(p).contactId]],
  "crm.events.v1.ContactUpdated": (p) => [[CONTACT_KIND, eventsV1.ContactUpdated.decode(p).contactId]],
  "crm.events.v1.ContactDeleted": (p) => [[CONTACT_KIND, eventsV1.ContactDeleted.decode(p).contactId]],
  "crm.events.v1.ContactErased": (p) => [[CONTACT_KIND, eventsV1.ContactErased.decode(p).contactId]],
  "crm.events.v1.ContactMerged": (p) => {
    const { survivorId, mergedId } = eventsV1.ContactMerged.decode(p);
    return [[CONTACT_KIND, survivorId], [CONTACT_KIND, mergedId]];
  },
  "crm.events.v1.ContactMergeUndone": (p) => {
    const { survivorId, restoredId } = eventsV1.ContactMergeUndone.decode(p);
    return [[CONTACT_KIND, survivorId], [CONTACT_KIND, restoredId]];
  },
  "crm.events.v1.OrganizationChanged": (p) => [[ORGANIZATION_KIND, eventsV1.OrganizationChanged.decode(p).organizationId]],
};

/**
 * The contacts service's events as the read cache needs them. An event about a contact or an
 * organisation of a type not listed here may have changed anything it names: it empties the cache.
 */
export const contactsInvalidations: InvalidationSource = {
  subject: "crm.contacts.>",
  keysOf(type, tenantId, payload) {
    const ids = CHANGED[type];
    if (ids) return ids(payload).map(([kind, id]) => ReadCache.key(tenantId, kind, id));
    if (type.startsWith("crm.events.v1.Contact") || type.startsWith("crm.events.v1.Organization")) throw new Error(`unknown event type ${type}`);
    return [];
  },
};
