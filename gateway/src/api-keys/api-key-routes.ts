import { ValidationError } from "@crm/kit/edge";
import { z } from "zod";
import { hasPermission, type Permission } from "../auth/roles";
import type { ApiRegistry } from "../http/api-registry";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import { idParams, pageInfoSchema } from "../routes/schemas";
import type { ApiKeyDocument } from "./api-key.model";
import type { ApiKeyStore } from "./api-key-store";
import type { ApiKeyVerifier } from "./api-key-verifier";

const PERMISSION_PATTERN = /^[a-z][a-z0-9-]*:(read|write|admin)$/;

const apiKeyInputSchema = z
  .object({
    name: z.string().min(1).max(100).regex(/\S/, "is required").describe("What the key is for"),
    scopes: z.array(z.string().regex(PERMISSION_PATTERN, "must look like contacts:read")).min(1).max(50).describe("Permissions granted, at most those of the creator"),
    expiresAt: z.iso.datetime({ offset: true }).optional().describe("When the key stops working (ISO 8601); never when absent"),
    requestsPerMinute: z.number().int().min(1).max(100_000).optional().describe("The key's own rate limit; the gateway's default when absent"),
  })
  .strict()
  .meta({ examples: [{ name: "Nightly ERP sync", scopes: ["contacts:read", "contacts:write"], expiresAt: "2027-01-01T00:00:00Z", requestsPerMinute: 600 }] });

const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  limitedToOwners: z.array(z.string()).nullable().describe("Record owners the key is limited to (its creator's restriction); null: every record"),
  requestsPerMinute: z.number().int().nullable(),
  createdBy: z.string(),
  createdAt: z.string().describe("ISO 8601"),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable().describe("Last use, to the minute"),
});
const createdApiKeySchema = apiKeySchema.extend({ key: z.string().describe("The key itself: shown this once, stored only as a hash") });

function toRestApiKey(record: ApiKeyDocument): z.output<typeof apiKeySchema> {
  return {
    id: record._id,
    name: record.name,
    scopes: record.scopes,
    limitedToOwners: record.owners ?? null,
    requestsPerMinute: record.requestsPerMinute ?? null,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt?.toISOString() ?? null,
    revokedAt: record.revokedAt?.toISOString() ?? null,
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
  };
}

/** API keys for machine clients: created (shown once), listed, read and revoked by administrators. */
export function registerApiKeyRoutes(api: ApiRegistry, store: ApiKeyStore, verifier: ApiKeyVerifier): void {
  const tag = "API keys";
  api.route({
    method: "post", path: "/v1/api-keys", operationId: "createApiKey", summary: "Create an API key (the key is in this answer only)", tag, permission: "api-keys:admin",
    body: apiKeyInputSchema, response: { status: 201, schema: createdApiKeySchema, description: "The key's record and, this once, the key" },
    handler: async ({ body, identity, res }) => {
      const violations = body.scopes.flatMap((scope, i) => (hasPermission(identity, scope as Permission) ? [] : [{ field: `scopes.${i}`, description: "is not a permission you hold" }]));
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : undefined;
      if (expiresAt && expiresAt.getTime() <= Date.now()) violations.push({ field: "expiresAt", description: "must be in the future" });
      if (violations.length > 0) throw new ValidationError(violations);
      const { record, key } = await store.create(identity, { name: body.name, scopes: [...new Set(body.scopes)], expiresAt, requestsPerMinute: body.requestsPerMinute });
      res.location(`/v1/api-keys/${record._id}`);
      return { ...toRestApiKey(record), key };
    },
  });

  api.route({
    method: "get", path: "/v1/api-keys", operationId: "listApiKeys", summary: "The tenant's API keys, newest first (revoked ones too)", tag, permission: "api-keys:admin",
    query: listQuerySchema.pick({ limit: true, after: true, before: true }),
    response: { status: 200, schema: z.object({ data: z.array(apiKeySchema), pageInfo: pageInfoSchema }), description: "One page" },
    handler: async ({ query, identity }) => {
      const page = await store.list(identity.tenantId, toListRequest(query).page);
      return { data: page.items.map(toRestApiKey), pageInfo: toPageInfo(page.pageInfo) };
    },
  });

  api.route({
    method: "get", path: "/v1/api-keys/:id", operationId: "getApiKey", summary: "One API key (never the key itself)", tag, permission: "api-keys:admin",
    params: idParams, response: { status: 200, schema: apiKeySchema, description: "The key's record" },
    handler: async ({ params, identity }) => toRestApiKey(await store.get(identity.tenantId, params.id)),
  });

  api.route({
    method: "delete", path: "/v1/api-keys/:id", operationId: "revokeApiKey", summary: "Revoke an API key for good", tag, permission: "api-keys:admin",
    params: idParams, response: { status: 200, schema: apiKeySchema, description: "The key's record, revoked" },
    handler: async ({ params, identity }) => {
      const record = await store.revoke(identity.tenantId, params.id);
      verifier.forget(record);
      return toRestApiKey(record);
    },
  });
}
