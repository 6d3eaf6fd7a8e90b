import { z } from "zod";
import type { Operation, RouteDefinition } from "../http/api-registry";
import { candidateSchema } from "../routes/schemas";
import { withExamples } from "./examples";

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

const ERROR_STATUSES: Record<string, string> = {
  "400": "The request is invalid (problem+json, with the field violations)",
  "401": "Missing, invalid or expired credentials",
  "403": "The credential lacks the permission",
  "404": "Not found",
  "409": "Conflicts with stored data (e.g. likely duplicates, listed in `candidates`)",
  "412": "The record changed since it was read (If-Match)",
  "429": "The credential's rate limit is spent; retry after `Retry-After` seconds",
  "500": "Unexpected error",
  "503": "A service is unavailable",
  "504": "The request or a service took too long; a create may still have been applied: retry it with the `idempotencyKey` given",
};
const BODY_ERROR_STATUSES: Record<string, string> = {
  "413": "The body is too large",
  "415": "The body is not of the media type the route takes",
};
const KEYED_ERROR_STATUSES: Record<string, string> = {
  "409": "Conflicts with stored data, or a request with the same Idempotency-Key is still in progress",
  "422": "The Idempotency-Key was used for a different request (method, URL or body)",
};

const integerHeader = (description: string) => ({ description, schema: { type: "integer", minimum: 0 } });
const RATE_LIMIT_HEADERS = {
  "RateLimit-Policy": { description: "The credential's policy: requests per window (`600;w=60`)", schema: { type: "string" } },
  "RateLimit-Limit": integerHeader("Requests per minute for this credential"),
  "RateLimit-Remaining": integerHeader("Requests left now"),
  "RateLimit-Reset": integerHeader("Seconds until the full allowance is back"),
};

const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string(),
  traceId: z.string().optional().describe("Trace of the request, for support and SREs"),
  requestId: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  candidates: z.array(candidateSchema).optional().describe("Likely duplicates behind a 409"),
  idempotencyKey: z.string().optional().describe("On a 504 of a create: retry with this Idempotency-Key to get the first attempt's result"),
});

const AUTHENTICATION = `Authenticate with a bearer JWT from the identity provider (claims: \`sub\`, \`tenant\`, \`roles\`, optional \`scope\` and \`teams\`) or an API key (\`X-API-Key: crm_...\`, created under /v1/api-keys). Roles (admin, sales, support, marketing, read-only) and scopes decide each route (\`x-permission\`). Every answer carries \`RateLimit-*\` headers; POSTs take an \`Idempotency-Key\`.`;

/** The OpenAPI 3.1 document of every declared route, from the schemas that validate them. */
export function buildOpenApiDocument(operations: Operation[], info: DocumentInfo, options: { idempotency: boolean }): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, path, definition } of operations) {
    const openapiPath = path.replace(/:([A-Za-z]+)/g, "{$1}");
    const keyed = options.idempotency && method === "post" && !definition.rawBody;
    const parameters = [
      ...objectProperties(definition.params).map(([name, schema]) => ({ name, in: "path", required: true, schema })),
      ...queryParameters(definition.query),
      ...(definition.headers ?? []).map((h) => ({ name: h.name, in: "header", required: false, description: h.description, schema: { type: "string", ...(h.pattern ? { pattern: h.pattern.source } : {}) } })),
    ];
    const errors = { ...ERROR_STATUSES, ...(definition.body || definition.rawBody ? BODY_ERROR_STATUSES : {}), ...(keyed ? KEYED_ERROR_STATUSES : {}) };
    (paths[openapiPath] ??= {})[method] = {
      operationId: definition.operationId,
      summary: definition.summary,
      description: definition.public ? "Takes no credential: the request carries its own proof." : `Requires \`${definition.permission}\`.`,
      tags: [definition.tag],
      security: definition.public ? [] : [{ bearer: [] }, { apiKey: [] }],
      ...(definition.public ? {} : { "x-permission": definition.permission }),
      parameters,
      ...(definition.body ? { requestBody: { required: true, content: { "application/json": withExamples(bodySchema(definition)) } } } : {}),
      ...(definition.rawBody
        ? { requestBody: { required: true, description: definition.rawBody.description, content: { [definition.rawBody.mediaType]: { schema: { type: "string", minLength: 1 }, example: "givenName,familyName,email\nAda,Lovelace,ada@example.com\n" } } } }
        : {}),
      responses: {
        [definition.response.status]: {
          description: definition.response.description,
          headers: RATE_LIMIT_HEADERS,
          ...(definition.response.mediaType
            ? { content: { [definition.response.mediaType]: { schema: { type: "string" } } } }
            : definition.response.schema
              ? { content: { "application/json": withExamples(jsonSchema(definition.response.schema, "output")) } }
              : {}),
        },
        ...Object.fromEntries(
          Object.entries(errors).map(([status, description]) => [
            status,
            {
              description,
              ...(status === "429" ? { headers: { "Retry-After": integerHeader("Seconds to wait") } } : {}),
              content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
            },
          ]),
        ),
        "431": { description: "The request's headers are too large (answered by the HTTP server, without a body)" },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { ...info, description: `${info.description}\n\n${AUTHENTICATION}` },
    servers: [{ url: "/" }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "A token from the identity provider" },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "An API key (machine clients)" },
      },
      schemas: { Problem: jsonSchema(problemSchema, "output") },
    },
  };
}

export function jsonSchema(schema: z.ZodType, io: "input" | "output"): object {
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
