import { UnauthenticatedError, ValidationError, type Identity } from "@crm/kit";
import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { requirePermission, type Permission } from "../auth/permissions";
import { candidateSchema } from "../routes/schemas";
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
  headers?: Array<{ name: string; description: string }>;
  handler: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>) => Promise<unknown>;
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
};

/**
 * Routes are declared once, with their schemas: the same schemas validate each request and
 * produce the OpenAPI 3.1 document, so the two cannot drift apart.
 */
export class ApiRegistry {
  readonly router: Router = Router();
  private readonly operations: Operation[] = [];

  route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(definition: RouteDefinition<P, Q, B>): void {
    this.operations.push({ method: definition.method, path: definition.path, definition: definition as never });
    this.router[definition.method](definition.path, requirePermission(definition.permission), async (req, res, next) => {
      try {
        if (!req.identity) throw new UnauthenticatedError("authentication required");
        if (definition.body && !req.is("application/json")) {
          throw ValidationError.field("body", "must be sent as application/json");
        }
        if (definition.rawBody && !req.is(definition.rawBody.mediaType)) {
          throw ValidationError.field("body", `must be sent as ${definition.rawBody.mediaType}`);
        }
        const input = {
          params: definition.params ? parseInput(definition.params, req.params) : {},
          query: definition.query ? parseInput(definition.query, req.query) : {},
          body: definition.body ? parseInput(definition.body, req.body ?? {}) : undefined,
          identity: req.identity,
          req,
          res,
        } as RouteInput<z.output<P>, z.output<Q>, z.output<B>>;
        const result = await definition.handler(input);
        if (definition.response.mediaType) return;
        if (definition.response.status === 204) res.status(204).end();
        else res.status(definition.response.status).json(result);
      } catch (error) {
        next(error);
      }
    });
  }

  openapi(info: { title: string; version: string; description: string }): object {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const { method, path, definition } of this.operations) {
      const openapiPath = path.replace(/:([A-Za-z]+)/g, "{$1}");
      const parameters = [
        ...objectProperties(definition.params).map(([name, schema]) => ({ name, in: "path", required: true, schema })),
        ...objectProperties(definition.query).map(([name, schema, required]) => ({ name, in: "query", required, schema })),
        ...(definition.headers ?? []).map((h) => ({ name: h.name, in: "header", required: false, description: h.description, schema: { type: "string" } })),
      ];
      (paths[openapiPath] ??= {})[method] = {
        operationId: definition.operationId,
        summary: definition.summary,
        tags: [definition.tag],
        security: [{ bearer: [] }],
        "x-permission": definition.permission,
        parameters,
        ...(definition.body
          ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(definition.body, "input") } } } }
          : {}),
        ...(definition.rawBody
          ? { requestBody: { required: true, description: definition.rawBody.description, content: { [definition.rawBody.mediaType]: { schema: { type: "string" } } } } }
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
            Object.entries(ERROR_STATUSES).map(([status, description]) => [
              status,
              { description, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } },
            ]),
          ),
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
});

function jsonSchema(schema: z.ZodType, io: "input" | "output"): object {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

function objectProperties(schema: z.ZodType | undefined): Array<[string, object, boolean]> {
  if (!schema) return [];
  const json = jsonSchema(schema, "input") as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => [name, property, json.required?.includes(name) ?? false]);
}
