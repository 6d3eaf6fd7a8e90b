import { ContactsClient } from "../clients/contacts";
import { contactsInvalidations } from "../clients/contacts-events";
import { contactParts } from "../customer360/parts/contacts";
import { registerContactRoutes } from "../routes/contacts";
import { registerImportRoutes } from "../routes/imports";
import { registerOrganizationRoutes } from "../routes/organizations";
import { defineGatewayService } from "./gateway-module";

/** Contacts: people, organisations, duplicates and merges, CSV imports and exports. */
export const gatewayService = defineGatewayService({
  createClient: (address, { identityKey, timeoutMs }) => new ContactsClient(address, identityKey, timeoutMs),
  registerRoutes: (api, contacts, { readCache }) => {
    registerContactRoutes(api, contacts, readCache);
    registerOrganizationRoutes(api, contacts, readCache);
    registerImportRoutes(api, contacts);
  },
  // Contacts and organisations read by id are cached; their events say when they change.
  invalidations: contactsInvalidations,
  // The person and their organisations in the customer 360.
  customerParts: contactParts,
});
