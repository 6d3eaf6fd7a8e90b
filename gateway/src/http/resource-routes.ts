import type { commonV1 } from "@crm/proto";
import type { Identity } from "@crm/kit/edge";
import { z } from "zod";
import { listQuerySchema, toListRequest, toPageInfo, type ListRequestParts } from "../query/list-params";
import { idParams, pageInfoSchema } from "../routes/schemas";
import type { ApiRegistry } from "./api-registry";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from "./idempotency";

/** A resource as the API shows it: at least its id. */
type Shown = { id: string };

/**
 * The three routes of a plain resource, with the API's conventions: POST creates (201, Location,
 * Idempotency-Key), GET /:id reads, GET lists with filter, orderBy, limit and cursors. Each
 * operation is one call to the service, given here.
 */
export interface ResourceRoutes<B extends z.ZodType, R extends z.ZodType<Shown>> {
  /** Collection path, e.g. `/v1/pipelines`. */
  path: string;
  /** Names in operation ids and summaries: `Pipeline`, `Pipelines`. */
  one: string;
  many: string;
  tag: string;
  /** Service whose read and write permissions the routes require (`<service>:read`, `<service>:write`). */
  service: string;
  /** Body of a create. */
  input: B;
  /** Largest body of a create, when the schema allows more than the gateway's default. */
  bodyLimitBytes?: number;
  /** The resource in answers. */
  output: R;
  create(identity: Identity, body: z.output<B>, requestId: string): Promise<z.output<R>>;
  get(identity: Identity, id: string): Promise<z.output<R>>;
  list(identity: Identity, request: ListRequestParts): Promise<{ items: Array<z.output<R>>; pageInfo: commonV1.PageInfo | undefined }>;
}

export function registerResourceRoutes<B extends z.ZodType, R extends z.ZodType<Shown>>(api: ApiRegistry, resource: ResourceRoutes<B, R>): void {
  const { path, one, many, tag, service } = resource;
  const lower = one.toLowerCase();

  api.route({
    method: "post", path, operationId: `create${one}`, summary: `Create a ${lower}`, tag, permission: `${service}:write`,
    body: resource.input, headers: [IDEMPOTENCY_KEY_HEADER], ...(resource.bodyLimitBytes ? { bodyLimitBytes: resource.bodyLimitBytes } : {}),
    response: { status: 201, schema: resource.output, description: `The ${lower} as stored` },
    handler: async ({ body, identity, req, res }) => {
      const created = await resource.create(identity, body, idempotencyKeyOf(req, res));
      res.location(`${path}/${created.id}`);
      return created;
    },
  });

  api.route({
    method: "get", path: `${path}/:id`, operationId: `get${one}`, summary: `Get one ${lower}`, tag, permission: `${service}:read`,
    params: idParams, response: { status: 200, schema: resource.output, description: `The ${lower}` },
    handler: ({ params, identity }) => resource.get(identity, params.id),
  });

  api.route({
    method: "get", path, operationId: `list${many}`, summary: `List ${many.toLowerCase()} with filters, order and cursors`, tag, permission: `${service}:read`,
    query: listQuerySchema,
    response: { status: 200, schema: z.object({ data: z.array(resource.output), pageInfo: pageInfoSchema }), description: "One page" },
    handler: async ({ query, identity }) => {
      const { items, pageInfo } = await resource.list(identity, toListRequest(query));
      return { data: items, pageInfo: toPageInfo(pageInfo) };
    },
  });
}
