import { contactsV1 } from "@crm/proto";
import { z } from "zod";
import type { ContactsClient } from "../clients/contacts";
import { cachedRead } from "../cache/cached-read";
import { ReadCache } from "../cache/read-cache";
import { CONTACT_KIND } from "../clients/contacts-events";
import type { ApiRegistry } from "../http/api-registry";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from "../http/idempotency";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import {
  addressOut, addressSchema, candidateSchema, createQuerySchema, fromProtoType, etagSchema, idParams, idSchema, ifMatch, ifMatchHeader, maskOf, pageInfoSchema,
  relationshipTypeSchema, toProtoAddress, toProtoType,
} from "./schemas";

const text = (max = 200) => z.string().max(max);
const emailSchema = z.object({ address: text(254), type: z.enum(["work", "home", "other"]).optional(), primary: z.boolean().optional() }).strict();
const phoneSchema = z.object({ number: text(40), type: z.enum(["mobile", "work", "home", "fax", "other"]).optional(), primary: z.boolean().optional() }).strict();
const communicationSchema = z
  .object({
    preferredChannel: z.enum(["email", "phone", "sms", "mail", "none", ""]).optional(),
    doNotEmail: z.boolean().optional(),
    doNotCall: z.boolean().optional(),
    doNotMail: z.boolean().optional(),
  })
  .strict();
const linkSchema = z
  .object({ organizationId: idSchema, role: text().optional(), decisionMaker: z.boolean().optional(), influencer: z.boolean().optional() })
  .strict();

/** A contact as clients write it; `email` and `phone` are shorthands for a primary entry. */
export const contactInputSchema = z
  .object({
    givenName: text().optional(),
    familyName: text().optional(),
    displayName: text().optional().describe("Defaults to the given and family names"),
    title: text().optional().describe("Job title"),
    jobRole: text().optional(),
    email: text(254).optional().describe("Shorthand for one primary e-mail address"),
    emails: z.array(emailSchema).max(20).optional(),
    phone: text(40).optional().describe("Shorthand for one primary phone; international, or national with defaultPhoneRegion"),
    phones: z.array(phoneSchema).max(20).optional(),
    addresses: z.array(addressSchema).max(20).optional(),
    language: text(35).optional().describe("BCP 47, e.g. en-GB"),
    timeZone: text(64).optional().describe("IANA, e.g. Europe/Warsaw"),
    birthday: text(10).optional().describe("YYYY-MM-DD, or --MM-DD"),
    interests: z.array(text()).max(50).optional(),
    preferences: z.record(z.string().max(50), text(500)).optional(),
    communication: communicationSchema.optional(),
    leadSource: text(100).optional(),
    ownerId: text(100).optional(),
    type: relationshipTypeSchema.optional().describe("Defaults to prospect"),
    tags: z.array(text(50)).max(50).optional(),
    customFields: z.record(z.string().max(40), text(1_000)).optional().describe("Values of the tenant's custom fields, as text"),
    organizations: z.array(linkSchema).max(20).optional().describe("Organisations the person belongs to, with role and key-person flags"),
    externalId: text(100).optional().describe("Id in the system the record came from; unique per tenant"),
    defaultPhoneRegion: text(2).optional().describe("Region for phone numbers without a country code"),
  })
  .strict();

export const contactSchema = z.object({
  id: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  displayName: z.string(),
  title: z.string(),
  jobRole: z.string(),
  email: z.string().nullable().describe("The primary e-mail"),
  emails: z.array(z.object({ address: z.string(), type: z.string(), primary: z.boolean() })),
  phone: z.string().nullable().describe("The primary phone, E.164"),
  phones: z.array(z.object({ number: z.string(), type: z.string(), primary: z.boolean() })),
  addresses: z.array(addressOut),
  language: z.string(),
  timeZone: z.string(),
  birthday: z.string(),
  interests: z.array(z.string()),
  preferences: z.record(z.string(), z.string()),
  communication: z.object({ preferredChannel: z.string(), doNotEmail: z.boolean(), doNotCall: z.boolean(), doNotMail: z.boolean() }),
  leadSource: z.string(),
  ownerId: z.string(),
  type: relationshipTypeSchema,
  tags: z.array(z.string()),
  customFields: z.record(z.string(), z.string()),
  organizations: z.array(z.object({ organizationId: z.string(), role: z.string(), decisionMaker: z.boolean(), influencer: z.boolean() })),
  externalId: z.string(),
  lastInteractionAt: z.string().nullable(),
  createdAt: z.string().describe("ISO 8601"),
  updatedAt: z.string().describe("ISO 8601"),
  createdBy: z.string(),
  updatedBy: z.string(),
});

export function toRestContact(contact: contactsV1.Contact | undefined): z.output<typeof contactSchema> {
  if (!contact) throw new Error("the contacts service answered without a contact");
  const { relationshipType, createTime, updateTime, lastInteractionTime, etag: _etag, ...rest } = contact;
  return {
    ...rest,
    communication: contact.communication ?? { preferredChannel: "", doNotEmail: false, doNotCall: false, doNotMail: false },
    email: contact.emails[0]?.address ?? null,
    phone: contact.phones[0]?.number ?? null,
    type: fromProtoType(relationshipType),
    lastInteractionAt: lastInteractionTime?.toISOString() ?? null,
    createdAt: createTime?.toISOString() ?? "",
    updatedAt: updateTime?.toISOString() ?? "",
  };
}

export function toContactInput(body: z.output<typeof contactInputSchema>): contactsV1.ContactInput {
  const { email, phone, type, emails, phones, addresses, communication, organizations, ...fields } = body;
  return contactsV1.ContactInput.fromPartial({
    ...fields,
    emails: [...(email ? [{ address: email, type: "", primary: true }] : []), ...(emails ?? []).map((e) => ({ type: "", primary: false, ...e }))],
    phones: [...(phone ? [{ number: phone, type: "", primary: true }] : []), ...(phones ?? []).map((p) => ({ type: "", primary: false, ...p }))],
    addresses: (addresses ?? []).map(toProtoAddress),
    ...(communication ? { communication: { preferredChannel: "", doNotEmail: false, doNotCall: false, doNotMail: false, ...communication } } : {}),
    organizations: (organizations ?? []).map((o) => ({ role: "", decisionMaker: false, influencer: false, ...o })),
    relationshipType: toProtoType(type),
  });
}

/** PATCH keys to ContactInput paths: the shorthands change the lists they stand for. */
const MASK_RENAMES = { email: "emails", phone: "phones", type: "relationshipType" };

/** The fields of a contact, as ContactInput names them (the region is a hint, not a field). */
const MERGEABLE_FIELDS = Object.keys(contactsV1.ContactInput.fromPartial({})).filter((field) => field !== "defaultPhoneRegion") as [string, ...string[]];

const searchSchema = z.object({ q: z.string().max(200).optional().describe("Words matched as prefixes of names, e-mails, phones and organisations") });
const mergeSchema = z
  .object({
    survivorId: idSchema,
    mergedId: idSchema,
    fieldsFromMerged: z.array(z.enum(MERGEABLE_FIELDS)).max(30).optional().describe("Fields whose value is taken from the merged record"),
    survivorEtag: etagSchema.optional(),
  })
  .strict();

export function registerContactRoutes(api: ApiRegistry, contacts: ContactsClient, cache: ReadCache): void {
  const one = { status: 200, schema: contactSchema, description: "The contact" };

  api.route({
    method: "post", path: "/v1/contacts", operationId: "createContact", summary: "Create a contact", tag: "Contacts", permission: "contacts:write",
    body: contactInputSchema, query: createQuerySchema,
    headers: [IDEMPOTENCY_KEY_HEADER],
    response: { status: 201, schema: contactSchema, description: "The contact as stored (standardised)" },
    handler: async ({ body, query, identity, req, res }) => {
      const { contact } = await contacts.call(identity, "createContact", {
        contact: toContactInput(body),
        requestId: idempotencyKeyOf(req, res),
        allowDuplicates: query.allowDuplicates === "true",
      });
      res.location(`/v1/contacts/${contact?.id}`).setHeader("ETag", contact?.etag ?? "");
      return toRestContact(contact);
    },
  });

  api.route({
    method: "get", path: "/v1/contacts/export.csv", operationId: "exportContacts", summary: "Export the contacts matching a filter as CSV",
    tag: "Import and export", permission: "contacts:read",
    query: z.object({ filter: listQuerySchema.shape.filter, q: searchSchema.shape.q }).strict(),
    response: { status: 200, description: "CSV, header first; the columns an import accepts", mediaType: "text/csv" },
    handler: async ({ query, identity, res }) => {
      const { filter } = toListRequest({ filter: query.filter, limit: 1 });
      const chunks = contacts.exportContacts(identity, { filter, search: query.q ?? "" });
      const first = await chunks.next(); // errors (a bad filter) still become problem+json
      res.status(200).type("text/csv; charset=utf-8").setHeader("Content-Disposition", 'attachment; filename="contacts.csv"');
      if (!first.done) res.write(first.value);
      for await (const chunk of chunks) if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
      res.end();
    },
  });

  api.route({
    method: "get", path: "/v1/contacts/:id", operationId: "getContact", summary: "Get one contact", tag: "Contacts", permission: "contacts:read",
    params: idParams, response: one,
    handler: async ({ params, identity, res }) =>
      cachedRead(cache, ReadCache.key(identity.tenantId, CONTACT_KIND, params.id), res, async () => {
        const { contact } = await contacts.call(identity, "getContact", { id: params.id });
        return { etag: contact?.etag ?? "", body: toRestContact(contact), owner: contact?.ownerId ?? "" };
      }, identity.owners),
  });

  api.route({
    method: "patch", path: "/v1/contacts/:id", operationId: "updateContact", summary: "Change the fields present in the body", tag: "Contacts",
    permission: "contacts:write", params: idParams, body: contactInputSchema,
    headers: [ifMatchHeader("contact")],
    response: one,
    handler: async ({ params, body, identity, req, res }) => {
      const { contact } = await contacts.call(identity, "updateContact", {
        id: params.id, contact: toContactInput(body), updateMask: maskOf(body, MASK_RENAMES).filter((p) => p !== "defaultPhoneRegion"), etag: ifMatch(req.get("if-match")),
      });
      cache.invalidate(ReadCache.key(identity.tenantId, CONTACT_KIND, params.id));
      res.setHeader("ETag", contact?.etag ?? "");
      return toRestContact(contact);
    },
  });

  api.route({
    method: "delete", path: "/v1/contacts/:id", operationId: "deleteContact", summary: "Delete a contact", tag: "Contacts", permission: "contacts:write",
    params: idParams, headers: [ifMatchHeader("contact")],
    response: { status: 204, description: "Deleted" },
    handler: async ({ params, identity, req }) => {
      await contacts.call(identity, "deleteContact", { id: params.id, etag: ifMatch(req.get("if-match")) });
      cache.invalidate(ReadCache.key(identity.tenantId, CONTACT_KIND, params.id));
    },
  });

  api.route({
    method: "get", path: "/v1/contacts", operationId: "listContacts", summary: "List and search contacts with filters, order and cursors", tag: "Contacts",
    permission: "contacts:read", query: listQuerySchema.extend(searchSchema.shape),
    response: { status: 200, schema: z.object({ data: z.array(contactSchema), pageInfo: pageInfoSchema }), description: "One page of contacts" },
    handler: async ({ query, identity }) => {
      const { q, ...list } = query;
      const response = await contacts.call(identity, "listContacts", { ...toListRequest(list), search: q ?? "" });
      return { data: response.contacts.map(toRestContact), pageInfo: toPageInfo(response.pageInfo) };
    },
  });

  const candidates = { status: 200, schema: z.object({ data: z.array(candidateSchema) }), description: "Likely duplicates, best first (score 0..1)" };
  api.route({
    method: "get", path: "/v1/contacts/:id/duplicates", operationId: "findContactDuplicates", summary: "Likely duplicates of a stored contact",
    tag: "Duplicates", permission: "contacts:read", params: idParams, response: candidates,
    handler: async ({ params, identity }) => ({ data: (await contacts.call(identity, "findContactDuplicates", { subject: { $case: "contactId", contactId: params.id } })).candidates }),
  });

  api.route({
    method: "post", path: "/v1/contacts/duplicates", operationId: "checkContactDuplicates", summary: "Likely duplicates of a contact before creating it",
    tag: "Duplicates", permission: "contacts:read", body: contactInputSchema, response: candidates,
    handler: async ({ body, identity }) => ({ data: (await contacts.call(identity, "findContactDuplicates", { subject: { $case: "contact", contact: toContactInput(body) } })).candidates }),
  });

  api.route({
    method: "post", path: "/v1/contacts/merges", operationId: "mergeContacts", summary: "Merge one contact into another", tag: "Duplicates",
    permission: "contacts:write", body: mergeSchema,
    response: {
      status: 201,
      schema: z.object({ mergeId: z.string(), contact: contactSchema, fieldSources: z.record(z.string(), z.string()).describe("Field -> id of the record its value came from") }),
      description: "The surviving contact; the merge can be undone by its id",
    },
    handler: async ({ body, identity, res }) => {
      const result = await contacts.call(identity, "mergeContacts", { fieldsFromMerged: [], survivorEtag: "", ...body });
      for (const id of [body.survivorId, body.mergedId]) cache.invalidate(ReadCache.key(identity.tenantId, CONTACT_KIND, id));
      res.location(`/v1/contacts/merges/${result.mergeId}`);
      return { mergeId: result.mergeId, contact: toRestContact(result.contact), fieldSources: result.fieldSources };
    },
  });

  api.route({
    method: "post", path: "/v1/contacts/merges/:id/undo", operationId: "undoContactMerge", summary: "Undo a merge from its audit", tag: "Duplicates",
    permission: "contacts:write", params: idParams,
    response: { status: 200, schema: z.object({ survivor: contactSchema, restored: contactSchema }), description: "Both contacts as they were before the merge" },
    handler: async ({ params, identity }) => {
      const result = await contacts.call(identity, "undoContactMerge", { mergeId: params.id });
      for (const contact of [result.survivor, result.restored]) cache.invalidate(ReadCache.key(identity.tenantId, CONTACT_KIND, contact?.id ?? ""));
      return { survivor: toRestContact(result.survivor), restored: toRestContact(result.restored) };
    },
  });
}
