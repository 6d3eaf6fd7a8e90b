import { contactsV1 } from "@crm/proto";
import { UUID_PATTERN, ValidationError, type ServiceRegistration, type ServiceRuntime } from "@crm/kit";
import { prepareNewContact } from "../domain/contact";
import type { MongoContactRepository } from "../store/contact-repository";
import { toContactDraft, toProtoContact } from "./mapping";

const MAX_REQUEST_ID = 200;

/** crm.contacts.v1.ContactsService: proto in, domain call, proto out. */
export function contactsService(
  unary: ServiceRuntime["unary"],
  contacts: MongoContactRepository,
): ServiceRegistration {
  const implementation: contactsV1.ContactsServiceServer = {
    createContact: unary("CreateContact", async (request: contactsV1.CreateContactRequest, { identity }) => {
      if (request.requestId.length > MAX_REQUEST_ID) {
        throw ValidationError.field("requestId", `must be at most ${MAX_REQUEST_ID} characters`);
      }
      const contact = prepareNewContact(toContactDraft(request.contact));
      const created = await contacts.create(identity.tenantId, contact, identity.subject, request.requestId || undefined);
      return { contact: toProtoContact(created) };
    }),

    getContact: unary("GetContact", async (request: contactsV1.GetContactRequest, { identity }) => {
      if (!UUID_PATTERN.test(request.id)) throw ValidationError.field("id", "is not a contact id");
      return { contact: toProtoContact(await contacts.get(identity.tenantId, request.id)) };
    }),

    listContacts: unary("ListContacts", async (request: contactsV1.ListContactsRequest, { identity }) => {
      const page = await contacts.list(identity.tenantId, {
        filter: request.filter,
        orderBy: request.orderBy,
        page: request.page,
      });
      return { contacts: page.items.map(toProtoContact), pageInfo: page.pageInfo };
    }),
  };
  return {
    name: "crm.contacts.v1.ContactsService",
    definition: contactsV1.ContactsServiceService,
    implementation,
  };
}
