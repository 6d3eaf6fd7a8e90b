import { ContactsClient } from "../clients/contacts";
import { registerContactRoutes } from "../routes/contacts";
import { registerImportRoutes } from "../routes/imports";
import { registerOrganizationRoutes } from "../routes/organizations";
import { defineGatewayService } from "./gateway-module";

/** Contacts: people, organisations, duplicates and merges, CSV imports and exports. */
export const gatewayService = defineGatewayService({
  createClient: (address, { identityKey, timeoutMs }) => new ContactsClient(address, identityKey, timeoutMs),
  registerRoutes: (api, contacts) => {
    registerContactRoutes(api, contacts);
    registerOrganizationRoutes(api, contacts);
    registerImportRoutes(api, contacts);
  },
});
