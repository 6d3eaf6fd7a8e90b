import { consentV1 } from "@crm/proto";
import type { ServiceClient } from "@crm/kit/edge";
import { z } from "zod";
import type { ApiRegistry } from "../http/api-registry";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from "../http/idempotency";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import { action, channel, checkReason, dateOut, iso, source, status } from "./consent-schemas";
import { idSchema, pageInfoSchema } from "./schemas";

export type ConsentClient = ServiceClient<consentV1.ConsentServiceClient>;

/** Subjects in one check over HTTP (gRPC callers ask for up to 100 000 at once). */
const MAX_CHECKED = 10_000;

const consentInputSchema = z
  .object({
    subjectId: idSchema.describe("The contact"),
    purposeId: idSchema,
    channel: channel.schema,
    action: action.schema,
    source: source.schema,
    noticeVersion: z.number().int().min(1).optional().describe("The notice version the subject saw; the current one when omitted"),
    ipAddress: z.string().max(45).optional(),
    userAgent: z.string().max(1_000).optional(),
    occurredAt: z.iso.datetime({ offset: true }).optional().describe("When the subject acted (ISO 8601); now when omitted"),
    note: z.string().max(1_000).optional(),
  })
  .strict();

const entrySchema = z.object({
  id: z.string(),
  seq: z.number().describe("Position in the tenant's ledger"),
  kind: z.string().describe("consent, or erasure: the pseudonymous record that a subject was erased"),
  subjectId: z.string().describe("Empty once the subject was erased"),
  purposeId: z.string(),
  channel: z.string(),
  action: z.string(),
  source: z.string(),
  noticeVersion: z.number(),
  ipAddress: z.string(),
  userAgent: z.string(),
  recordedBy: z.string(),
  occurredAt: dateOut,
  recordedAt: dateOut,
  expiresAt: dateOut,
  note: z.string(),
  prevHash: z.string(),
  hash: z.string(),
  erasedBy: z.string().describe("The erasure request that removed its personal data"),
  subjectPseudonym: z.string(),
});

export const consentSchema = z.object({
  subjectId: z.string(),
  purposeId: z.string(),
  channel: z.string(),
  status: z.string(),
  source: z.string(),
  noticeVersion: z.number(),
  changedAt: dateOut.describe("When the subject granted or withdrew it"),
  expiresAt: dateOut,
  ledgerSeq: z.number(),
  updatedAt: dateOut,
});

const checkSchema = z
  .object({
    purposeId: idSchema,
    channel: z.enum(["email", "phone", "sms", "post"]).describe("The channel to contact on"),
    subjects: z
      .array(z.object({ subjectId: idSchema, address: z.string().max(254).optional().describe("The e-mail or phone to contact, checked against the suppression list") }).strict())
      .min(1)
      .max(MAX_CHECKED),
  })
  .strict();

const verificationSchema = z.object({
  intact: z.boolean(),
  entriesChecked: z.number(),
  headSeq: z.number().describe("The last entry: keep its hash elsewhere to detect entries removed at the end later"),
  headHash: z.string(),
  firstBreak: z.object({ seq: z.number(), entryId: z.string(), reason: z.string() }).nullable(),
});

function toRestEntry(entry: consentV1.LedgerEntry): z.output<typeof entrySchema> {
  return {
    id: entry.id,
    seq: Number(entry.seq),
    kind: entry.kind,
    subjectId: entry.subjectId,
    purposeId: entry.purposeId,
    channel: channel.fromProto(entry.channel),
    action: action.fromProto(entry.action),
    source: source.fromProto(entry.source),
    noticeVersion: entry.noticeVersion,
    ipAddress: entry.ipAddress,
    userAgent: entry.userAgent,
    recordedBy: entry.recordedBy,
    occurredAt: iso(entry.occurTime),
    recordedAt: iso(entry.recordTime),
    expiresAt: iso(entry.expireTime),
    note: entry.note,
    prevHash: entry.prevHash,
    hash: entry.hash,
    erasedBy: entry.erasedBy,
    subjectPseudonym: entry.subjectPseudonym,
  };
}

export function toRestConsent(consent: consentV1.Consent): z.output<typeof consentSchema> {
  return {
    subjectId: consent.subjectId,
    purposeId: consent.purposeId,
    channel: channel.fromProto(consent.channel),
    status: status.fromProto(consent.status),
    source: source.fromProto(consent.source),
    noticeVersion: consent.noticeVersion,
    changedAt: iso(consent.changeTime),
    expiresAt: iso(consent.expireTime),
    ledgerSeq: Number(consent.ledgerSeq),
    updatedAt: iso(consent.updateTime),
  };
}

function toConsentInput(body: z.output<typeof consentInputSchema>, requestId: string): consentV1.ConsentInput {
  const { occurredAt, ...fields } = body;
  return consentV1.ConsentInput.fromPartial({
    ...fields,
    channel: channel.toProto(body.channel),
    action: action.toProto(body.action),
    source: source.toProto(body.source),
    occurTime: occurredAt ? new Date(occurredAt) : undefined,
    requestId,
  });
}

/** Consents (/v1/consents), their ledger (history, verification) and checks (/v1/consent-checks). */
export function registerConsentRoutes(api: ApiRegistry, client: ConsentClient): void {
  api.route({
    method: "post", path: "/v1/consents", operationId: "recordConsent", summary: "Record a grant or a withdrawal, with its proof", tag: "Consents",
    permission: "consent:write", body: consentInputSchema, headers: [IDEMPOTENCY_KEY_HEADER],
    response: { status: 201, schema: entrySchema, description: "The ledger entry (the first one's, for a repeated Idempotency-Key)" },
    handler: async ({ body, identity, req, res }) => {
      const { entries } = await client.call(identity, "recordConsents", { consents: [toConsentInput(body, idempotencyKeyOf(req, res))] });
      return toRestEntry(entries[0]!);
    },
  });

  api.route({
    method: "post", path: "/v1/consents/batch", operationId: "recordConsents", summary: "Record up to 1000 grants and withdrawals in order (an import)", tag: "Consents",
    permission: "consent:write",
    body: z.object({ consents: z.array(consentInputSchema.extend({ requestId: z.string().max(255).optional().describe("Makes a retry of this consent record nothing new") })).min(1).max(1_000) }).strict(),
    response: { status: 200, schema: z.object({ data: z.array(entrySchema) }), description: "Each consent's ledger entry, in order" },
    handler: async ({ body, identity }) => {
      const { entries } = await client.call(identity, "recordConsents", { consents: body.consents.map(({ requestId, ...consent }) => toConsentInput(consent, requestId ?? "")) });
      return { data: entries.map(toRestEntry) };
    },
  });

  api.route({
    method: "get", path: "/v1/consents", operationId: "listConsents", summary: "Current consents: one per subject, purpose and channel", tag: "Consents",
    permission: "consent:read", query: listQuerySchema,
    response: { status: 200, schema: z.object({ data: z.array(consentSchema), pageInfo: pageInfoSchema }), description: "One page" },
    handler: async ({ query, identity }) => {
      const response = await client.call(identity, "listConsents", toListRequest(query));
      return { data: response.consents.map(toRestConsent), pageInfo: toPageInfo(response.pageInfo) };
    },
  });

  api.route({
    method: "get", path: "/v1/consents/history", operationId: "listConsentHistory", summary: "The ledger: every grant, withdrawal and erasure, with its proof (filter by subjectId)", tag: "Consents",
    permission: "consent:read", query: listQuerySchema,
    response: { status: 200, schema: z.object({ data: z.array(entrySchema), pageInfo: pageInfoSchema }), description: "One page, the latest first by default" },
    handler: async ({ query, identity }) => {
      const response = await client.call(identity, "listConsentHistory", toListRequest(query));
      return { data: response.entries.map(toRestEntry), pageInfo: toPageInfo(response.pageInfo) };
    },
  });

  api.route({
    method: "get", path: "/v1/consents/ledger/verification", operationId: "verifyLedger", summary: "Recompute the ledger's hash chain and name the first entry changed or removed", tag: "Consents",
    permission: "consent:admin", response: { status: 200, schema: verificationSchema, description: "Whether the chain is intact" },
    handler: async ({ identity }) => {
      const result = await client.call(identity, "verifyLedger", {});
      return {
        intact: result.intact,
        entriesChecked: Number(result.entriesChecked),
        headSeq: Number(result.headSeq),
        headHash: result.headHash,
        firstBreak: result.firstBreak ? { ...result.firstBreak, seq: Number(result.firstBreak.seq) } : null,
      };
    },
  });

  api.route({
    method: "post", path: "/v1/consent-checks", operationId: "checkConsents", summary: `May these subjects be contacted for a purpose on a channel? Up to ${MAX_CHECKED} at once`, tag: "Consents",
    permission: "consent:read", body: checkSchema,
    response: {
      status: 200,
      schema: z.object({ purposeId: z.string(), channel: z.string(), results: z.array(z.object({ subjectId: z.string(), allowed: z.boolean(), reason: checkReason.schema })) }),
      description: "One answer per subject, in the order asked; a suppressed address is never allowed",
    },
    handler: async ({ body, identity }) => {
      const subjects = body.subjects.map((subject) => ({ subjectId: subject.subjectId, address: subject.address ?? "" }));
      const response = await client.call(identity, "checkConsents", { purposeId: body.purposeId, channel: channel.toProto(body.channel), subjects });
      return {
        purposeId: body.purposeId,
        channel: body.channel,
        results: subjects.map(({ subjectId }, i) => ({ subjectId, allowed: response.allowed[i] ?? false, reason: checkReason.fromProto(response.reasons[i] ?? 0) })),
      };
    },
  });
}
