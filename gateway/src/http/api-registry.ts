import { UnauthenticatedError, type Identity } from "@crm/kit/edge";
import { Router, type Request, type RequestHandler, type Response } from "express";
import { z } from "zod";
import { requirePermission, type Permission } from "../auth/permissions";
import { HttpError } from "./problem";
import { candidateSchema } from "../routes/schemas";
import { markRoute } from "./server-telemetry";
import { parseInput } from "./validate";

interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  identity: Identity;
  req: Request;
  res: Response;
}

export interface RouteDefinition<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** Express path, e.g. /v1/contacts/:id */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  permission: Permission;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * Success status and the schema of its JSON body. A route whose response is another media
   * type (a CSV export) names it and writes the response itself; a 204 has no body.
   */
  response: { status: number; schema?: z.ZodType; description: string; mediaType?: string };
  /** A body that is not JSON (a CSV upload): left unread for the handler to stream. */
  rawBody?: { mediaType: string; description: string };
  /** Extra request headers documented for the route. */
  headers?: HeaderDefinition[];
  handler: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>) => Promise<unknown>;
}

export interface HeaderDefinition {
  name: string;
  description: string;
  /** JSON Schema of the value; any string when absent. */
  schema?: object;
}

interface Operation {
  method: string;
  path: string;
  definition: RouteDefinition<z.ZodType, z.ZodType, z.ZodType>;
}

const ERROR_STATUSES: Record<string, string> = {
  "400": "The request is invalid (problem+json, with the field violations)",
  "401": "Missing, invalid or expired credentials",
  "403": "The credential lacks the permission",
  "404": "Not found",
  "409": "Conflicts with stored data (e.g. likely duplicates, listed in `candidates`)",
  "412": "The record changed since it was read (If-Match)",
  "500": "Unexpected error",
  "503": "A service is unavailable",
  "504": "A service did not answer in time; a create may still have been applied: retry it with the `idempotencyKey` given",
};
const BODY_ERROR_STATUSES: Record<string, string> = {
  "413": "The body is too large",
  "415": "The body is not of the media type the route takes",
};

/**
 * Routes are declared once, with their schemas: the same schemas validate each request and
 * produce the OpenAPI 3.1 document, so the two cannot drift apart.
 */
export class ApiRegistry {
  private readonly operations: Operation[] = [];

  route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(definition: RouteDefinition<P, Q, B>): void {
    this.operations.push({ method: definition.method, path: definition.path, definition: definition as never });
  }

  /**
   * The router of every declared route. Paths are matched most specific first (a literal
   * segment before a parameter: /v1/contacts/duplicates before /v1/contacts/:id), and a method
   * that no route of a path takes is answered 405 with `Allow` (OPTIONS: 204 with `Allow`).
   */
  router(): Router {
    const router = Router();
    const byPath = new Map<string, Operation[]>();
    for (const operation of this.operations) byPath.set(operation.path, [...(byPath.get(operation.path) ?? []), operation]);
    for (const [path, operations] of [...byPath].sort(([a], [b]) => bySpecificity(a, b))) {
      for (const { method, definition } of operations) router[method as RouteDefinition<z.ZodType, z.ZodType, z.ZodType>["method"]](path, requirePermission(definition.permission), handle(definition));
      const allowed = operations.map((o) => o.method.toUpperCase());
      const allow = [...allowed, ...(allowed.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
      router.all(path, (req, res, next) => {
        res.setHeader("Allow", allow);
        if (req.method === "OPTIONS") return void res.status(204).end();
        next(new HttpError(405, `${req.method} is not allowed here; allowed: ${allow}`));
      });
    }
    return router;
  }

  openapi(info: { title: string; version: string; description: string }): object {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const { method, path, definition } of this.operations) {
      const openapiPath = path.replace(/:([A-Za-z]+)/g, "{$1}");
      const parameters = [
        ...objectProperties(definition.params).map(([name, schema]) => ({ name, in: "path", required: true, schema })),
        ...queryParameters(definition.query),
        ...(definition.headers ?? []).map((h) => ({ name: h.name, in: "header", required: false, description: h.description, schema: h.schema ?? { type: "string" } })),
      ];
      (paths[openapiPath] ??= {})[method] = {
        operationId: definition.operationId,
        summary: definition.summary,
        tags: [definition.tag],
        security: [{ bearer: [] }],
        "x-permission": definition.permission,
        parameters,
        ...(definition.body
          ? { requestBody: { required: true, content: { "application/json": { schema: bodySchema(definition) } } } }
          : {}),
        ...(definition.rawBody
          ? { requestBody: { required: true, description: definition.rawBody.description, content: { [definition.rawBody.mediaType]: { schema: { type: "string", minLength: 1 } } } } }
          : {}),
        responses: {
          [definition.response.status]: {
            description: definition.response.description,
            ...(definition.response.mediaType
              ? { content: { [definition.response.mediaType]: { schema: { type: "string" } } } }
              : definition.response.schema
                ? { content: { "application/json": { schema: jsonSchema(definition.response.schema, "output") } } }
                : {}),
          },
          ...Object.fromEntries(
            Object.entries({ ...ERROR_STATUSES, ...(definition.body || definition.rawBody ? BODY_ERROR_STATUSES : {}) }).map(([status, description]) => [
              status,
              { description, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } },
            ]),
          ),
          "431": { description: "The request's headers are too large (answered by the HTTP server, without a body)" },
        },
      };
    }
    return {
      openapi: "3.1.0",
      info,
      servers: [{ url: "/" }],
      paths,
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
        schemas: { Problem: jsonSchema(problemSchema, "output") },
      },
    };
  }
}

const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string(),
  traceId: z.string().optional().describe("Trace of the request, for support and SREs"),
  requestId: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  candidates: z
    .array(candidateSchema)
    .optional()
    .describe("Likely duplicates behind a 409"),
  idempotencyKey: z.string().optional().describe("On a 504 of a create: retry with this Idempotency-Key to get the first attempt's result"),
});

function jsonSchema(schema: z.ZodType, io: "input" | "output"): object {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

/** A PATCH changes the fields present in its body: an empty one changes nothing and is refused. */
function bodySchema(definition: RouteDefinition<z.ZodType, z.ZodType, z.ZodType>): object {
  const schema = jsonSchema(definition.body!, "input");
  return definition.method === "patch" ? { ...schema, minProperties: 1 } : schema;
}

/** Query parameters that only one of may be given: the cursors of opposite directions. */
const EXCLUSIVE_QUERY_PARAMETERS = ["after", "before"];

/**
 * One parameter per query field; where fields exclude each other (after, before), the query as
 * one exploded object instead, the only way OpenAPI can say that both together are refused.
 */
function queryParameters(schema: z.ZodType | undefined): object[] {
  if (!schema) return [];
  const fields = objectProperties(schema);
  if (!EXCLUSIVE_QUERY_PARAMETERS.every((name) => fields.some(([field]) => field === name))) {
    return fields.map(([name, property, required]) => ({ name, in: "query", required, schema: property }));
  }
  const object = jsonSchema(schema, "input");
  return [{
    name: "query", in: "query", style: "form", explode: true,
    description: `${EXCLUSIVE_QUERY_PARAMETERS.join(" and ")} exclude each other`,
    schema: { ...object, not: { required: EXCLUSIVE_QUERY_PARAMETERS } },
  }];
}

function objectProperties(schema: z.ZodType | undefined): Array<[string, object, boolean]> {
  if (!schema) return [];
  const json = jsonSchema(schema, "input") as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => [name, property, json.required?.includes(name) ?? false]);
}

/** A handler's answer already serialised (a cached read): sent as it is. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** Validates a request against a route's schemas, runs its handler and sends its answer. */
function handle(definition: RouteDefinition<z.ZodType, z.ZodType, z.ZodType>): RequestHandler {
  return async (req, res, next) => {
    markRoute(res, definition.path);
    try {
      if (!req.identity) throw new UnauthenticatedError("authentication required");
      const mediaType = definition.body ? "application/json" : definition.rawBody?.mediaType;
      // req.is answers null for a request without a body: that is for validation to refuse.
      if (mediaType && req.is(mediaType) === false) throw new HttpError(415, `the body must be sent as ${mediaType}`);
      const result = await definition.handler({
        params: definition.params ? parseInput(definition.params, req.params) : {},
        query: definition.query ? parseInput(definition.query, req.query) : {},
        body: definition.body ? parseInput(definition.body, req.body ?? {}) : undefined,
        identity: req.identity,
        req,
        res,
      });
      if (definition.response.mediaType) return;
      if (definition.response.status === 204) res.status(204).end();
      else if (result instanceof JsonText) res.status(definition.response.status).type("application/json").send(result.text);
      else res.status(definition.response.status).json(result);
    } catch (error) {
      next(error);
    }
  };
}

/** Orders paths so that, segment by segment, a literal comes before a parameter. */
function bySpecificity(a: string, b: string): number {
  const left = a.split("/");
  const right = b.split("/");
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const leftParam = left[i]!.startsWith(":");
    const rightParam = right[i]!.startsWith(":");
    if (leftParam !== rightParam) return leftParam ? 1 : -1;
  }
  return 0;
}
