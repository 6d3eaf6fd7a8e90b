import { consentV1 } from "@crm/proto";
import type { ServiceClient } from "@crm/kit/edge";
import { z } from "zod";
import type { ApiRegistry } from "../http/api-registry";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from "../http/idempotency";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import { dateOut, iso, suppressionType } from "./consent-schemas";
import { idParams, pageInfoSchema } from "./schemas";

type ConsentClient = ServiceClient<consentV1.ConsentServiceClient>;

const suppressionSchema = z.object({
  id: z.string(),
  type: z.string(),
  address: z.string().describe("Normalised; empty once its subject was erased (its hash still suppresses)"),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: dateOut,
});

function toRestSuppression(suppression: consentV1.Suppression | undefined): z.output<typeof suppressionSchema> {
  if (!suppression) throw new Error("the consent service answered without a suppression");
  const { id, address, reason, createdBy } = suppression;
  return { id, type: suppressionType.fromProto(suppression.type), address, reason, createdBy, createdAt: iso(suppression.createTime) };
}

/** The suppression list (/v1/suppressions): addresses never contacted, whatever the consent. */
export function registerSuppressionRoutes(api: ApiRegistry, client: ConsentClient): void {
  api.route({
    method: "post", path: "/v1/suppressions", operationId: "addSuppression", summary: "Suppress an e-mail address or phone number", tag: "Suppressions",
    permission: "consent:write", headers: [IDEMPOTENCY_KEY_HEADER],
    body: z.object({ type: suppressionType.schema, address: z.string().min(1).max(254), reason: z.string().max(500).optional() }).strict(),
    response: { status: 201, schema: suppressionSchema, description: "The entry (the one already there, for an address suppressed before)" },
    handler: async ({ body, identity, req, res }) => {
      const { suppression } = await client.call(identity, "addSuppression", {
        suppression: { type: suppressionType.toProto(body.type), address: body.address, reason: body.reason ?? "" },
        requestId: idempotencyKeyOf(req, res),
      });
      res.location(`/v1/suppressions/${suppression?.id}`);
      return toRestSuppression(suppression);
    },
  });

  api.route({
    method: "get", path: "/v1/suppressions/:id", operationId: "getSuppression", summary: "Get one suppression", tag: "Suppressions",
    permission: "consent:read", params: idParams, response: { status: 200, schema: suppressionSchema, description: "The suppression" },
    handler: async ({ params, identity }) => toRestSuppression((await client.call(identity, "getSuppression", { id: params.id })).suppression),
  });

  api.route({
    method: "get", path: "/v1/suppressions", operationId: "listSuppressions", summary: "List suppressed addresses with filters, order and cursors", tag: "Suppressions",
    permission: "consent:read", query: listQuerySchema,
    response: { status: 200, schema: z.object({ data: z.array(suppressionSchema), pageInfo: pageInfoSchema }), description: "One page" },
    handler: async ({ query, identity }) => {
      const response = await client.call(identity, "listSuppressions", toListRequest(query));
      return { data: response.suppressions.map(toRestSuppression), pageInfo: toPageInfo(response.pageInfo) };
    },
  });

  api.route({
    method: "delete", path: "/v1/suppressions/:id", operationId: "removeSuppression", summary: "Lift a suppression", tag: "Suppressions",
    permission: "consent:admin", params: idParams, response: { status: 204, description: "Lifted" },
    handler: async ({ params, identity }) => void (await client.call(identity, "removeSuppression", { id: params.id })),
  });
}
