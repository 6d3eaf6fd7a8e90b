import { consentV1 } from "@crm/proto";
import type { ServiceClient } from "@crm/kit/edge";
import { z } from "zod";
import type { ApiRegistry } from "../http/api-registry";
import { registerResourceRoutes } from "../http/resource-routes";
import { dateOut, iso, lawfulBasis, optMode } from "./consent-schemas";
import { idParams, ifMatch, ifMatchHeader, maskOf } from "./schemas";

type ConsentClient = ServiceClient<consentV1.ConsentServiceClient>;

const days = z.number().int().min(0).max(36_500);
const purposeFields = {
  name: z.string().max(200).regex(/\S/, "is required").describe("Spacing is tidied"),
  description: z.string().max(2_000).optional(),
  retentionDays: days.optional().describe("How long data processed for this purpose is kept (0: not set)"),
  consentValidityDays: days.optional().describe("A grant expires this many days after it was given (0: never)"),
};

/** A purpose as clients create it. */
const newPurposeSchema = z
  .object({
    ...purposeFields,
    key: z.string().max(60).optional().describe("Stable name, unique in the tenant (e.g. marketing-email); made from the name when omitted"),
    lawfulBasis: lawfulBasis.schema,
    optMode: optMode.schema.optional().describe("Default opt_in; a consent basis must be opt_in"),
    noticeText: z.string().max(20_000).regex(/\S/, "is required").describe("The notice subjects see (version 1)"),
  })
  .strict();

/** What an update may change; the lawful basis and opt mode are what subjects agreed to. */
const purposePatchSchema = z.object({ name: purposeFields.name.optional(), description: purposeFields.description, retentionDays: purposeFields.retentionDays, consentValidityDays: purposeFields.consentValidityDays }).strict();

const noticeSchema = z.object({ version: z.number(), text: z.string(), requiresRenewal: z.boolean(), publishedAt: dateOut, publishedBy: z.string() });

const purposeSchema = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  description: z.string(),
  lawfulBasis: z.string(),
  optMode: z.string(),
  retentionDays: z.number(),
  consentValidityDays: z.number(),
  notices: z.array(noticeSchema).describe("Every version, oldest first; the last is the current one"),
  renewalRequiredFrom: z.number().describe("Grants under an older notice version no longer count (0: all do)"),
  createdBy: z.string(),
  createdAt: dateOut,
  updatedAt: dateOut,
});

function toRestPurpose(purpose: consentV1.Purpose | undefined): z.output<typeof purposeSchema> {
  if (!purpose) throw new Error("the consent service answered without a purpose");
  return {
    id: purpose.id,
    key: purpose.key,
    name: purpose.name,
    description: purpose.description,
    lawfulBasis: lawfulBasis.fromProto(purpose.lawfulBasis),
    optMode: optMode.fromProto(purpose.optMode),
    retentionDays: purpose.retentionDays,
    consentValidityDays: purpose.consentValidityDays,
    notices: purpose.notices.map((notice) => ({ version: notice.version, text: notice.text, requiresRenewal: notice.requiresRenewal, publishedAt: iso(notice.publishTime), publishedBy: notice.publishedBy })),
    renewalRequiredFrom: purpose.renewalRequiredFrom,
    createdBy: purpose.createdBy,
    createdAt: iso(purpose.createTime),
    updatedAt: iso(purpose.updateTime),
  };
}

function toPurposeInput(body: Partial<z.output<typeof newPurposeSchema>>): consentV1.PurposeInput {
  return consentV1.PurposeInput.fromPartial({ ...body, lawfulBasis: lawfulBasis.toProto(body.lawfulBasis), optMode: optMode.toProto(body.optMode) });
}

/** Purposes (/v1/purposes): created, read and listed as every resource, changed with If-Match, and their notices. */
export function registerPurposeRoutes(api: ApiRegistry, client: ConsentClient): void {
  registerResourceRoutes(api, {
    path: "/v1/purposes",
    one: "Purpose",
    many: "Purposes",
    tag: "Purposes",
    service: "consent",
    input: newPurposeSchema,
    output: purposeSchema,
    create: async (identity, body, requestId) => toRestPurpose((await client.call(identity, "createPurpose", { purpose: toPurposeInput(body), requestId })).purpose),
    get: async (identity, id) => toRestPurpose((await client.call(identity, "getPurpose", { id })).purpose),
    list: async (identity, request) => {
      const response = await client.call(identity, "listPurposes", request);
      return { items: response.purposes.map(toRestPurpose), pageInfo: response.pageInfo };
    },
  });

  api.route({
    method: "patch", path: "/v1/purposes/:id", operationId: "updatePurpose", summary: "Change a purpose's name, description or policy", tag: "Purposes",
    permission: "consent:write", params: idParams, body: purposePatchSchema, headers: [ifMatchHeader("purpose")],
    response: { status: 200, schema: purposeSchema, description: "The purpose" },
    handler: async ({ params, body, identity, req, res }) => {
      const { purpose } = await client.call(identity, "updatePurpose", { id: params.id, purpose: toPurposeInput(body), updateMask: maskOf(body), etag: ifMatch(req.get("if-match")) });
      res.setHeader("ETag", purpose?.etag ?? "");
      return toRestPurpose(purpose);
    },
  });

  api.route({
    method: "post", path: "/v1/purposes/:id/notices", operationId: "publishNotice", summary: "Publish a new version of a purpose's notice", tag: "Purposes",
    permission: "consent:write", params: idParams, headers: [ifMatchHeader("purpose")],
    body: z.object({
      text: z.string().max(20_000).regex(/\S/, "is required"),
      requiresRenewal: z.boolean().optional().describe("Grants given under earlier versions stop counting until renewed"),
    }).strict(),
    response: { status: 201, schema: purposeSchema, description: "The purpose with its new notice" },
    handler: async ({ params, body, identity, req, res }) => {
      const { purpose } = await client.call(identity, "publishNotice", { purposeId: params.id, text: body.text, requiresRenewal: body.requiresRenewal ?? false, etag: ifMatch(req.get("if-match")) });
      res.setHeader("ETag", purpose?.etag ?? "").location(`/v1/purposes/${params.id}`);
      return toRestPurpose(purpose);
    },
  });
}
