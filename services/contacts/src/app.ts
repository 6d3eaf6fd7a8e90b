import { ServiceRuntime } from "@crm/kit";
import type { ContactsConfig } from "./config";
import { contactsService } from "./rpc/contacts-service";
import { MongoContactRepository } from "./store/contact-repository";
import { createContactModel } from "./store/contact.model";

/**
 * Builds the contacts service on its runtime: models, repositories, outbox relay and the gRPC
 * service. main.ts runs it as a process; tests run it in-process on port 0.
 */
export async function startContacts(config: ContactsConfig) {
  const runtime = await ServiceRuntime.start("contacts", config);
  const contactModel = await createContactModel(runtime.mongo);
  const relay = runtime.startOutboxRelay([contactModel], config.OUTBOX_SWEEP_INTERVAL_MS);
  const contacts = new MongoContactRepository(contactModel, (id) => relay.notify(contactModel, id));
  const ports = await runtime.serve([contactsService(runtime.unary, contacts)]);
  return { runtime, relay, ports, models: { contact: contactModel } };
}
