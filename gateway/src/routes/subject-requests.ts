import { consentV1 } from "@crm/proto";
import type { ServiceClient } from "@crm/kit/edge";
import { z } from "zod";
import type { ApiRegistry } from "../http/api-registry";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from "../http/idempotency";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import { dateOut, iso, requestKind, requestStatus } from "./consent-schemas";
import { idParams, idSchema, pageInfoSchema } from "./schemas";

type ConsentClient = ServiceClient<consentV1.ConsentServiceClient>;

const progressSchema = z.object({
  service: z.string(),
  done: z.boolean().describe("Confirmed its erasure, or answered with its part of the export"),
  erased: z.number(),
  anonymised: z.number(),
  records: z.number().describe("Records in its part of an export"),
  doneAt: dateOut,
  asks: z.number().describe("Times it was asked again"),
  lastAskedAt: dateOut,
  lastError: z.string(),
});

const requestSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.string(),
  subjectId: z.string().describe("Empty once an erasure completed: only the pseudonym stays"),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  subjectPseudonym: z.string(),
  requestedBy: z.string(),
  requestedAt: dateOut,
  completedAt: dateOut,
  services: z.array(progressSchema).describe("Every registered service's part"),
});

/** A receipt as issued: the exact JSON text that was signed, its signature, and the key to check it with. */
const receiptSchema = z.object({
  receiptJson: z.string().describe("The receipt, as signed: verify it as this exact text"),
  receipt: z.record(z.string(), z.unknown()).describe("The same, parsed: each service, what it erased and anonymised (or exported), when"),
  signature: z.string().describe("Ed25519, base64url"),
  keyId: z.string(),
  algorithm: z.string(),
  publicKeyPem: z.string().describe("To check the signature without this API"),
});

function toRestRequest(request: consentV1.SubjectRequest | undefined): z.output<typeof requestSchema> {
  if (!request) throw new Error("the consent service answered without a request");
  return {
    id: request.id,
    kind: requestKind.fromProto(request.kind),
    status: requestStatus.fromProto(request.status),
    subjectId: request.subjectId,
    emails: request.emails,
    phones: request.phones,
    subjectPseudonym: request.subjectPseudonym,
    requestedBy: request.requestedBy,
    requestedAt: iso(request.requestTime),
    completedAt: iso(request.completeTime),
    services: request.services.map((part) => ({
      service: part.service,
      done: part.done,
      erased: Number(part.erased),
      anonymised: Number(part.anonymised),
      records: Number(part.records),
      doneAt: iso(part.doneTime),
      asks: part.asks,
      lastAskedAt: iso(part.lastAskTime),
      lastError: part.lastError,
    })),
  };
}

/** Data-subject access and erasure requests (/v1/subject-requests): jobs tracked across every service, with signed receipts. */
export function registerSubjectRequestRoutes(api: ApiRegistry, client: ConsentClient): void {
  const tag = "Subject requests";
  api.route({
    method: "post", path: "/v1/subject-requests", operationId: "createSubjectRequest", summary: "Start an access or erasure request across every service", tag,
    permission: "consent:admin", headers: [IDEMPOTENCY_KEY_HEADER],
    body: z.object({ kind: requestKind.schema, subjectId: idSchema.describe("The contact"), emails: z.array(z.string().max(254)).max(20).optional(), phones: z.array(z.string().max(30)).max(20).optional() }).strict(),
    response: { status: 202, schema: requestSchema, description: "Accepted: poll its Location until it is completed, then fetch its receipt (and export)" },
    handler: async ({ body, identity, req, res }) => {
      const { request } = await client.call(identity, "createSubjectRequest", {
        request: { kind: requestKind.toProto(body.kind), subjectId: body.subjectId, emails: body.emails ?? [], phones: body.phones ?? [] },
        requestId: idempotencyKeyOf(req, res),
      });
      res.location(`/v1/subject-requests/${request?.id}`);
      return toRestRequest(request);
    },
  });

  api.route({
    method: "get", path: "/v1/subject-requests/:id", operationId: "getSubjectRequest", summary: "A request's progress, service by service", tag,
    permission: "consent:read", params: idParams, response: { status: 200, schema: requestSchema, description: "The request" },
    handler: async ({ params, identity }) => toRestRequest((await client.call(identity, "getSubjectRequest", { id: params.id })).request),
  });

  api.route({
    method: "get", path: "/v1/subject-requests", operationId: "listSubjectRequests", summary: "List subject requests with filters, order and cursors", tag,
    permission: "consent:read", query: listQuerySchema,
    response: { status: 200, schema: z.object({ data: z.array(requestSchema), pageInfo: pageInfoSchema }), description: "One page" },
    handler: async ({ query, identity }) => {
      const response = await client.call(identity, "listSubjectRequests", toListRequest(query));
      return { data: response.requests.map(toRestRequest), pageInfo: toPageInfo(response.pageInfo) };
    },
  });

  api.route({
    method: "get", path: "/v1/subject-requests/:id/receipt", operationId: "getSubjectRequestReceipt", summary: "The signed receipt of a completed request (409 while in progress)", tag,
    permission: "consent:read", params: idParams, response: { status: 200, schema: receiptSchema, description: "The receipt" },
    handler: async ({ params, identity }) => {
      const { receipt } = await client.call(identity, "getSubjectRequestReceipt", { id: params.id });
      return { ...receipt!, receipt: JSON.parse(receipt!.receiptJson) as Record<string, unknown> };
    },
  });

  api.route({
    method: "get", path: "/v1/subject-requests/:id/export", operationId: "getSubjectAccessExport", summary: "The export of a completed access request: what every service holds about the subject", tag,
    permission: "consent:admin", params: idParams, response: { status: 200, schema: z.record(z.string(), z.unknown()), description: "One JSON document; its SHA-256 is in the receipt" },
    handler: async ({ params, identity, res }) => {
      const { exportJson } = await client.call(identity, "getSubjectAccessExport", { id: params.id });
      res.status(200).type("application/json").send(exportJson);
    },
  });

  api.route({
    method: "post", path: "/v1/subject-requests/receipts/verify", operationId: "verifyReceipt", summary: "Check a receipt's signature (400 when it was altered or not signed here)", tag,
    permission: "consent:read",
    body: z.object({ receiptJson: z.string().min(2).max(100_000), signature: z.string().max(200), keyId: z.string().max(100) }).passthrough(),
    response: { status: 200, schema: z.object({ valid: z.literal(true), requestId: z.string(), verifiedAt: dateOut }), description: "The receipt is as this service issued it" },
    handler: async ({ body, identity }) => {
      const verified = await client.call(identity, "verifyReceipt", { receipt: { receiptJson: body.receiptJson, signature: body.signature, keyId: body.keyId, algorithm: "", publicKeyPem: "" } });
      return { valid: true as const, requestId: verified.requestId, verifiedAt: iso(verified.verifyTime) };
    },
  });
}
