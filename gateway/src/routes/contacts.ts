import { contactsV1 } from "@crm/proto";
import { z } from "zod";
import type { ContactsClient } from "../clients/contacts";
import type { ApiRegistry } from "../http/api-registry";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";

const { RelationshipType } = contactsV1;
const PREFIX = "RELATIONSHIP_TYPE_";

// The REST names of the proto enum: RELATIONSHIP_TYPE_CUSTOMER <-> "customer".
const TYPE_NAMES = Object.entries(RelationshipType)
  .filter(([name, value]) => typeof value === "number" && name !== `${PREFIX}UNSPECIFIED`)
  .map(([name]) => name.slice(PREFIX.length).toLowerCase()) as [string, ...string[]];
const toProtoType = (type: string | undefined) =>
  type ? RelationshipType[`${PREFIX}${type.toUpperCase()}` as keyof typeof RelationshipType] : RelationshipType.RELATIONSHIP_TYPE_UNSPECIFIED;
const fromProtoType = (type: contactsV1.RelationshipType) => RelationshipType[type].slice(PREFIX.length).toLowerCase();

const contactTypeSchema = z.enum(TYPE_NAMES).describe("Relationship with the company");

export const createContactSchema = z
  .object({
    givenName: z.string().max(200).optional(),
    familyName: z.string().max(200).optional(),
    displayName: z.string().max(200).optional().describe("Defaults to the given and family names"),
    email: z.string().max(254).optional(),
    phone: z.string().max(40).optional().describe("International format, e.g. +44 20 7946 0958"),
    title: z.string().max(200).optional(),
    type: contactTypeSchema.optional().describe("Defaults to prospect"),
    tags: z.array(z.string().max(50)).max(50).optional(),
    country: z.string().max(2).optional().describe("ISO 3166-1 alpha-2"),
  })
  .strict();

export const contactSchema = z.object({
  id: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  title: z.string(),
  type: contactTypeSchema,
  tags: z.array(z.string()),
  country: z.string().nullable(),
  createdAt: z.string().describe("ISO 8601"),
  updatedAt: z.string().describe("ISO 8601"),
});

const pageInfoSchema = z.object({
  hasNextPage: z.boolean(),
  hasPreviousPage: z.boolean(),
  startCursor: z.string().nullable(),
  endCursor: z.string().nullable(),
});

function toRestContact(contact: contactsV1.Contact | undefined): z.output<typeof contactSchema> {
  if (!contact) throw new Error("the contacts service answered without a contact");
  return {
    id: contact.id,
    givenName: contact.givenName,
    familyName: contact.familyName,
    displayName: contact.displayName,
    email: contact.email || null,
    phone: contact.phone || null,
    title: contact.title,
    type: fromProtoType(contact.relationshipType),
    tags: contact.tags,
    country: contact.country || null,
    createdAt: contact.createTime?.toISOString() ?? "",
    updatedAt: contact.updateTime?.toISOString() ?? "",
  };
}

export function registerContactRoutes(api: ApiRegistry, contacts: ContactsClient): void {
  api.route({
    method: "post",
    path: "/v1/contacts",
    operationId: "createContact",
    summary: "Create a contact",
    tag: "Contacts",
    permission: "contacts:write",
    body: createContactSchema,
    headers: [{ name: "Idempotency-Key", description: "A retry with the same key returns the first result" }],
    response: { status: 201, schema: contactSchema, description: "The contact as stored (normalised)" },
    handler: async ({ body, identity, req, res }) => {
      const { type, ...fields } = body;
      const { contact } = await contacts.createContact(identity, {
        contact: { givenName: "", familyName: "", displayName: "", email: "", phone: "", title: "", tags: [], country: "", ...fields, relationshipType: toProtoType(type) },
        requestId: req.get("idempotency-key") ?? "",
      });
      res.location(`/v1/contacts/${contact?.id}`);
      return toRestContact(contact);
    },
  });

  api.route({
    method: "get",
    path: "/v1/contacts/:id",
    operationId: "getContact",
    summary: "Get one contact",
    tag: "Contacts",
    permission: "contacts:read",
    params: z.object({ id: z.string().max(64) }),
    response: { status: 200, schema: contactSchema, description: "The contact" },
    handler: async ({ params, identity, res }) => {
      const { contact } = await contacts.getContact(identity, { id: params.id });
      if (contact?.etag) res.setHeader("ETag", contact.etag);
      return toRestContact(contact);
    },
  });

  api.route({
    method: "get",
    path: "/v1/contacts",
    operationId: "listContacts",
    summary: "List contacts with filters, order and cursors",
    tag: "Contacts",
    permission: "contacts:read",
    query: listQuerySchema,
    response: {
      status: 200,
      schema: z.object({ data: z.array(contactSchema), pageInfo: pageInfoSchema }),
      description: "One page of contacts",
    },
    handler: async ({ query, identity }) => {
      const response = await contacts.listContacts(identity, toListRequest(query));
      return { data: response.contacts.map(toRestContact), pageInfo: toPageInfo(response.pageInfo) };
    },
  });
}
