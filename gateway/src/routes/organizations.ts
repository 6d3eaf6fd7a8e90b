import { contactsV1 } from "@crm/proto";
import { z } from "zod";
import type { ContactsClient } from "../clients/contacts";
import { cachedRead } from "../cache/cached-read";
import { ReadCache } from "../cache/read-cache";
import { ORGANIZATION_KIND } from "../clients/contacts-events";
import type { ApiRegistry } from "../http/api-registry";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from "../http/idempotency";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import { contactSchema, toRestContact } from "./contacts";
import {
  addressOut, addressSchema, candidateSchema, createQuerySchema, fromProtoType, idParams, idSchema, ifMatch, ifMatchHeader, maskOf, pageInfoSchema,
  relationshipTypeSchema, toProtoAddress, toProtoType,
} from "./schemas";

const text = (max = 200) => z.string().max(max);
const moneySchema = z.object({ currencyCode: text(3).describe("ISO 4217"), amount: text(20).describe("Decimal, e.g. 1250000.00") }).strict();

export const organizationInputSchema = z
  .object({
    name: text().optional(),
    domain: text(253).optional().describe("Web domain; normalised (no scheme, no www.)"),
    industry: text().optional(),
    size: z.enum(["1-10", "11-50", "51-200", "201-1000", "1001-5000", "5001+", ""]).optional().describe("Employees"),
    annualRevenue: moneySchema.nullable().optional(),
    addresses: z.array(addressSchema).max(20).optional(),
    parentId: idSchema.optional().describe("Parent organisation"),
    type: relationshipTypeSchema.optional(),
    tags: z.array(text(50)).max(50).optional(),
    ownerId: text(100).optional(),
    externalId: text(100).optional(),
  })
  .strict();

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  domain: z.string(),
  industry: z.string(),
  size: z.string(),
  annualRevenue: z.object({ currencyCode: z.string(), amount: z.string() }).nullable(),
  addresses: z.array(addressOut),
  parentId: z.string(),
  type: relationshipTypeSchema,
  tags: z.array(z.string()),
  ownerId: z.string(),
  externalId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export function toRestOrganization(organization: contactsV1.Organization | undefined): z.output<typeof organizationSchema> {
  if (!organization) throw new Error("the contacts service answered without an organisation");
  const { relationshipType, createTime, updateTime, etag: _etag, annualRevenue, ...rest } = organization;
  return { ...rest, annualRevenue: annualRevenue ?? null, type: fromProtoType(relationshipType), createdAt: createTime?.toISOString() ?? "", updatedAt: updateTime?.toISOString() ?? "" };
}

/** A new organisation (and a duplicate check) needs its name; a PATCH may leave it out. */
const newOrganizationSchema = organizationInputSchema.extend({ name: text().regex(/\S/, "is required") });

function toOrganizationInput(body: z.output<typeof organizationInputSchema>): contactsV1.OrganizationInput {
  const { type, addresses, annualRevenue, ...fields } = body;
  return contactsV1.OrganizationInput.fromPartial({
    ...fields,
    ...(annualRevenue ? { annualRevenue } : {}),
    addresses: (addresses ?? []).map(toProtoAddress),
    relationshipType: toProtoType(type),
  });
}

export function registerOrganizationRoutes(api: ApiRegistry, contacts: ContactsClient, cache: ReadCache): void {
  const one = { status: 200, schema: organizationSchema, description: "The organisation" };

  api.route({
    method: "post", path: "/v1/organizations", operationId: "createOrganization", summary: "Create an organisation", tag: "Organisations",
    permission: "contacts:write", body: newOrganizationSchema, query: createQuerySchema,
    headers: [IDEMPOTENCY_KEY_HEADER],
    response: { status: 201, schema: organizationSchema, description: "The organisation as stored" },
    handler: async ({ body, query, identity, req, res }) => {
      const { organization } = await contacts.call(identity, "createOrganization", {
        organization: toOrganizationInput(body), requestId: idempotencyKeyOf(req, res), allowDuplicates: query.allowDuplicates === "true",
      });
      res.location(`/v1/organizations/${organization?.id}`).setHeader("ETag", organization?.etag ?? "");
      return toRestOrganization(organization);
    },
  });

  api.route({
    method: "get", path: "/v1/organizations/:id", operationId: "getOrganization", summary: "Get one organisation", tag: "Organisations",
    permission: "contacts:read", params: idParams, response: one,
    handler: async ({ params, identity, res }) =>
      cachedRead(cache, ReadCache.key(identity.tenantId, ORGANIZATION_KIND, params.id), res, async () => {
        const { organization } = await contacts.call(identity, "getOrganization", { id: params.id });
        return { etag: organization?.etag ?? "", body: toRestOrganization(organization), owner: organization?.ownerId ?? "" };
      }, identity.owners),
  });

  api.route({
    method: "patch", path: "/v1/organizations/:id", operationId: "updateOrganization", summary: "Change the fields present in the body", tag: "Organisations",
    permission: "contacts:write", params: idParams, body: organizationInputSchema,
    headers: [ifMatchHeader("organisation")],
    response: one,
    handler: async ({ params, body, identity, req, res }) => {
      const { organization } = await contacts.call(identity, "updateOrganization", {
        id: params.id, organization: toOrganizationInput(body), updateMask: maskOf(body, { type: "relationshipType" }), etag: ifMatch(req.get("if-match")),
      });
      cache.invalidate(ReadCache.key(identity.tenantId, ORGANIZATION_KIND, params.id));
      res.setHeader("ETag", organization?.etag ?? "");
      return toRestOrganization(organization);
    },
  });

  api.route({
    method: "get", path: "/v1/organizations", operationId: "listOrganizations", summary: "List and search organisations", tag: "Organisations",
    permission: "contacts:read", query: listQuerySchema.extend({ q: z.string().max(200).optional().describe("Prefixes of name or domain words") }),
    response: { status: 200, schema: z.object({ data: z.array(organizationSchema), pageInfo: pageInfoSchema }), description: "One page" },
    handler: async ({ query, identity }) => {
      const { q, ...list } = query;
      const response = await contacts.call(identity, "listOrganizations", { ...toListRequest(list), search: q ?? "" });
      return { data: response.organizations.map(toRestOrganization), pageInfo: toPageInfo(response.pageInfo) };
    },
  });

  api.route({
    method: "get", path: "/v1/organizations/:id/key-persons", operationId: "listKeyPersons", summary: "Decision makers and influencers of an organisation",
    tag: "Organisations", permission: "contacts:read", params: idParams,
    query: listQuerySchema.pick({ limit: true, after: true, before: true }),
    response: { status: 200, schema: z.object({ data: z.array(contactSchema), pageInfo: pageInfoSchema }), description: "One page of key persons" },
    handler: async ({ params, query, identity }) => {
      const filter = `and(organizationId[eq]:${params.id},or(decisionMaker[eq]:true,influencer[eq]:true))`;
      const response = await contacts.call(identity, "listContacts", { ...toListRequest({ ...query, filter }), search: "" });
      return { data: response.contacts.map(toRestContact), pageInfo: toPageInfo(response.pageInfo) };
    },
  });

  api.route({
    method: "post", path: "/v1/organizations/duplicates", operationId: "checkOrganizationDuplicates", summary: "Likely duplicates of an organisation",
    tag: "Duplicates", permission: "contacts:read", body: newOrganizationSchema,
    response: { status: 200, schema: z.object({ data: z.array(candidateSchema) }), description: "Likely duplicates, best first" },
    handler: async ({ body, identity }) => ({ data: (await contacts.call(identity, "findOrganizationDuplicates", { organization: toOrganizationInput(body) })).candidates }),
  });
}
