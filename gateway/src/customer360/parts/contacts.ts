import { z } from "zod";
import type { ContactsClient } from "../../clients/contacts";
import { CONTACT_KIND, ORGANIZATION_KIND } from "../../clients/contacts-events";
import { ReadCache } from "../../cache/read-cache";
import { contactSchema, toRestContact } from "../../routes/contacts";
import { organizationSchema, toRestOrganization } from "../../routes/organizations";
import type { CustomerPart, PartContext } from "../customer-part";

/** The contact itself, read once per answer (the organisations part needs its links). */
function readContact(contacts: ContactsClient, context: PartContext) {
  return context.once("contact", async () => {
    const { contact } = await contacts.call(context.identity, "getContact", { id: context.contactId }, { timeoutMs: context.timeoutMs });
    context.dependsOn(ReadCache.key(context.identity.tenantId, CONTACT_KIND, context.contactId));
    return contact;
  });
}

const organizationsSchema = z.array(
  organizationSchema.extend({ role: z.string(), decisionMaker: z.boolean(), influencer: z.boolean() }).describe("An organisation the person belongs to, with the person's role there"),
);

/** Contacts' sections of the customer 360: the person, and the organisations they belong to. */
export function contactParts(contacts: ContactsClient): CustomerPart[] {
  const person: CustomerPart<z.output<typeof contactSchema>> = {
    name: "contact",
    permission: "contacts:read",
    schema: contactSchema,
    read: async (context) => toRestContact(await readContact(contacts, context)),
  };
  const organizations: CustomerPart<z.output<typeof organizationsSchema>> = {
    name: "organizations",
    permission: "contacts:read",
    schema: organizationsSchema,
    read: async (context) => {
      const links = (await readContact(contacts, context))?.organizations ?? [];
      return Promise.all(
        links.map(async (link) => {
          const { organization } = await contacts.call(context.identity, "getOrganization", { id: link.organizationId }, { timeoutMs: context.timeoutMs });
          context.dependsOn(ReadCache.key(context.identity.tenantId, ORGANIZATION_KIND, link.organizationId));
          return { ...toRestOrganization(organization), role: link.role, decisionMaker: link.decisionMaker, influencer: link.influencer };
        }),
      );
    },
  };
  return [person, organizations];
}
