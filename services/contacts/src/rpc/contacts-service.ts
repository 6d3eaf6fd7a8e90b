import { contactsV1 } from "@crm/proto";
import type { Logger, ServiceRegistration, ServiceRuntime } from "@crm/kit";
import { contactHandlers } from "./contact-handlers";
import type { ContactsDependencies } from "./dependencies";
import { importHandlers } from "./import-handlers";
import type { ImportWorker } from "./import-worker";
import { organizationHandlers } from "./organization-handlers";

/** crm.contacts.v1.ContactsService, its methods grouped by what they serve. */
export function contactsService(rpc: ServiceRuntime["rpc"], deps: ContactsDependencies, log: Logger, importWorker: Pick<ImportWorker, "kick">): ServiceRegistration {
  const implementation: contactsV1.ContactsServiceServer = {
    ...contactHandlers(rpc, deps),
    ...organizationHandlers(rpc, deps),
    ...importHandlers(rpc, deps, log, importWorker),
  };
  return { name: "crm.contacts.v1.ContactsService", definition: contactsV1.ContactsServiceService, implementation };
}
