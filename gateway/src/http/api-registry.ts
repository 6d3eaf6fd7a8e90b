import { UnauthenticatedError, ValidationError, type Identity } from "@crm/kit/edge";
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from "express";
import type { z } from "zod";
import { requirePermission, type Permission } from "../auth/permissions";
import { requestTimeout } from "../limits/request-timeout";
import { buildOpenApiDocument, type DocumentInfo } from "../openapi/document";
import { idempotent, type IdempotencySettings } from "./idempotent-route";
import type { StoredAnswer } from "./idempotency-store";
import { HttpError } from "./problem";
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
  /**
   * What the caller needs. For a route authenticated by its `signature`, the permission the
   * route exercises on the callers' behalf (documented, not checked: there is no credential).
   */
  permission: Permission;
  /**
   * `signature`: the request carries its own proof, which the route checks itself (a provider's
   * webhook signed over its body, a signed one-time link's token), so it is served without a
   * credential, permission check or Idempotency-Key, limited per client address, and its handler
   * gets an anonymous identity and `req.rawBody`.
   */
  authentication?: "credential" | "signature";
  params?: P;
  query?: Q;
  body?: B;
  /**
   * Success status and the schema of its JSON body. A route whose response is another media
   * type (a CSV export) names it and writes the response itself; a 204 has no body.
   */
  response: { status: number; schema?: z.ZodType; description: string; mediaType?: string };
  /** A body that is not JSON (a CSV upload): left unread for the handler to stream (within the upload limit, `res.locals.uploadLimitBytes`). */
  rawBody?: { mediaType: string; description: string };
  /** Extra request headers documented for the route. */
  headers?: HeaderDefinition[];
  /** Largest JSON body this route takes (default: the gateway's BODY_LIMIT_BYTES). */
  bodyLimitBytes?: number;
  /** Longest the route may take before a 504 (default: REQUEST_TIMEOUT_MS); false for streams and uploads. */
  timeoutMs?: number | false;
  handler: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>) => Promise<unknown>;
}

export interface HeaderDefinition {
  name: string;
  description: string;
  /** What a value sent must match (an empty one too), documented as the schema's pattern; any string when absent. */
  pattern?: RegExp;
  /** Why a value that does not match is refused (400). */
  violation?: string;
}

export interface Operation {
  method: string;
  path: string;
  definition: RouteDefinition<z.ZodType, z.ZodType, z.ZodType>;
}

/** What every route shares: limits, the Idempotency-Key store, the answer of a timed-out request. */
export interface RegistrySettings {
  bodyLimitBytes?: number;
  uploadLimitBytes?: number;
  timeoutMs?: number;
  /** Replays POSTs repeated with an Idempotency-Key; without it, keys are only forwarded to the services. */
  idempotency?: IdempotencySettings;
  /** Sends the 504 of a request that took too long (the app's problem handler). */
  onTimeout?: ErrorRequestHandler;
}

/**
 * Routes are declared once, with their schemas: the same schemas validate each request and
 * produce the OpenAPI 3.1 document, so the two cannot drift apart.
 */
export class ApiRegistry {
  private readonly operations: Operation[] = [];

  constructor(private readonly settings: RegistrySettings = {}) {}

  route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(definition: RouteDefinition<P, Q, B>): void {
    this.operations.push({ method: definition.method, path: definition.path, definition: definition as never });
  }

  /**
   * The router of every declared route. Paths are matched most specific first (a literal
   * segment before a parameter: /v1/contacts/duplicates before /v1/contacts/:id), and a method
   * that no route of a path takes is answered 405 with `Allow` (OPTIONS: 204 with `Allow`).
   */
  router(): Router {
    return this.routerOf(this.operations.filter((operation) => operation.definition.authentication !== "signature"));
  }

  /** The routes that authenticate their callers by a signature (mounted before the credential check). */
  signedRouter(before: RequestHandler[] = []): Router {
    return this.routerOf(this.operations.filter((operation) => operation.definition.authentication === "signature"), before);
  }

  /** A router of these operations, each route's chain after the handlers given (e.g. a rate limit). */
  private routerOf(operations: Operation[], before: RequestHandler[] = []): Router {
    const router = Router();
    const byPath = new Map<string, Operation[]>();
    for (const operation of operations) byPath.set(operation.path, [...(byPath.get(operation.path) ?? []), operation]);
    for (const [path, operations] of [...byPath].sort(([a], [b]) => bySpecificity(a, b))) {
      for (const { method, definition } of operations) router[method as RouteDefinition<z.ZodType, z.ZodType, z.ZodType>["method"]](path, ...before, ...this.chain(definition));
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

  openapi(info: DocumentInfo): object {
    return buildOpenApiDocument(this.operations, info, { idempotency: Boolean(this.settings.idempotency) });
  }

  /** What runs for one route: its deadline, its permission, its body's parser and limit, idempotency, the handler. */
  private chain(definition: RouteDefinition<z.ZodType, z.ZodType, z.ZodType>): RequestHandler[] {
    const { timeoutMs = 15_000, onTimeout, bodyLimitBytes = 1024 * 1024, uploadLimitBytes = 1024 ** 3, idempotency } = this.settings;
    const routeTimeout = definition.timeoutMs ?? (definition.rawBody || definition.response.mediaType ? false : timeoutMs);
    const signed = definition.authentication === "signature";
    const keyed = idempotency && definition.method === "post" && !definition.rawBody && !signed;
    return [
      (_req, res, next) => {
        markRoute(res, definition.path);
        next();
      },
      ...(routeTimeout !== false && onTimeout ? [requestTimeout(routeTimeout, onTimeout)] : []),
      ...(signed ? [] : [requirePermission(definition.permission)]),
      ...(definition.body ? [jsonBody(definition.bodyLimitBytes ?? bodyLimitBytes, signed)] : []),
      ...(definition.rawBody ? [uploadLimit(uploadLimitBytes)] : []),
      ...(keyed ? [idempotent(idempotency)] : []),
      handle(definition),
    ];
  }
}

/**
 * JSON bodies, parsed per route with the route's limit; the raw bytes are kept when an
 * Idempotency-Key must fingerprint them, or a signature was made over them.
 */
function jsonBody(limit: number, keepRaw = false): RequestHandler {
  return express.json({
    limit,
    strict: true,
    verify: (req, _res, buffer) => {
      if (keepRaw || req.headers["idempotency-key"] !== undefined) (req as Request & { rawBody?: Buffer }).rawBody = buffer;
    },
  });
}

/** Who calls a route authenticated by its signature, until the handler has checked it. */
const ANONYMOUS: Identity = { subject: "anonymous", tenantId: "", roles: [], scopes: [] };

/** An upload whose announced size is over the limit is refused before it is read; the handler stops a longer one (limitedBody). */
function uploadLimit(limit: number): RequestHandler {
  return (req, res, next) => {
    res.locals.uploadLimitBytes = limit;
    const length = Number(req.get("content-length") ?? 0);
    next(length > limit ? new HttpError(413, `the file is larger than ${limit} bytes`) : undefined);
  };
}

/** A handler's answer already serialised (a cached read): sent as it is. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** Validates a request against a route's schemas, runs its handler and sends its answer. */
function handle(definition: RouteDefinition<z.ZodType, z.ZodType, z.ZodType>): RequestHandler {
  return async (req, res, next) => {
    try {
      const identity = definition.authentication === "signature" ? ANONYMOUS : req.identity;
      if (!identity) throw new UnauthenticatedError("authentication required");
      const mediaType = definition.body ? "application/json" : definition.rawBody?.mediaType;
      // req.is answers null for a request without a body: that is for validation to refuse.
      if (mediaType && req.is(mediaType) === false) throw new HttpError(415, `the body must be sent as ${mediaType}`);
      checkHeaders(req, definition.headers);
      const result = await definition.handler({
        params: definition.params ? parseInput(definition.params, req.params) : {},
        query: definition.query ? parseInput(definition.query, req.query) : {},
        body: definition.body ? parseInput(definition.body, req.body ?? {}) : undefined,
        identity,
        req,
        res,
      });
      if (definition.response.mediaType) return;
      const status = definition.response.status;
      const body = status === 204 ? "" : result instanceof JsonText ? result.text : JSON.stringify(result);
      const answer: StoredAnswer = { status, headers: pick(res, ["location", "etag"]), body };
      // Stored even after a 504: the client's retry with the same key then gets this answer.
      await res.locals.idempotent?.complete(answer);
      if (res.locals.timedOut) return;
      if (status === 204) res.status(204).end();
      else res.status(status).type("application/json").send(body);
    } catch (error) {
      await res.locals.idempotent?.release().catch(() => undefined);
      next(error);
    }
  };
}

/** A declared header that is sent must match its pattern: an empty or malformed one is refused, never read as absent. */
function checkHeaders(req: Request, headers: HeaderDefinition[] = []): void {
  for (const { name, pattern, violation } of headers) {
    const value = req.get(name);
    if (pattern && value !== undefined && !pattern.test(value)) throw ValidationError.field(name, violation ?? `does not match ${pattern.source}`);
  }
}

function pick(res: Response, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (res.getHeader(name) === undefined ? [] : [[name, String(res.getHeader(name))]])));
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
