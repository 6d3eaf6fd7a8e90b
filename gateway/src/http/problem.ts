import { status as GrpcStatus } from "@grpc/grpc-js";
import { trace } from "@opentelemetry/api";
import { DomainError, fieldViolationsOf, isGrpcError, statusDetailsOf, type FieldViolation, type Logger } from "@crm/kit/edge";
import { contactsV1 } from "@crm/proto";
import type { ErrorRequestHandler, Request, Response } from "express";

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
  candidates?: contactsV1.DuplicateCandidate[];
  /** On a 504 of a create: the key to retry with. */
  idempotencyKey?: string;
}

const BY_KIND: Record<string, Omit<Problem, "detail">> = {
  validation: { type: "/problems/validation", title: "The request is invalid", status: 400 },
  not_found: { type: "/problems/not-found", title: "Not found", status: 404 },
  conflict: { type: "/problems/conflict", title: "Conflict", status: 409 },
  precondition_failed: { type: "/problems/precondition-failed", title: "Precondition failed", status: 412 },
  unauthenticated: { type: "/problems/unauthenticated", title: "Authentication required", status: 401 },
  permission_denied: { type: "/problems/forbidden", title: "Forbidden", status: 403 },
  unavailable: { type: "/problems/unavailable", title: "Service unavailable", status: 503 },
};

const KIND_BY_GRPC: Partial<Record<GrpcStatus, string>> = {
  [GrpcStatus.INVALID_ARGUMENT]: "validation",
  [GrpcStatus.NOT_FOUND]: "not_found",
  [GrpcStatus.ALREADY_EXISTS]: "conflict",
  [GrpcStatus.FAILED_PRECONDITION]: "precondition_failed",
  [GrpcStatus.UNAUTHENTICATED]: "unauthenticated",
  [GrpcStatus.PERMISSION_DENIED]: "permission_denied",
  [GrpcStatus.UNAVAILABLE]: "unavailable",
};
const INTERNAL: Problem = { type: "/problems/internal", title: "Internal error", status: 500 };
/**
 * grpc-js reports a request it could not encode (here) or decode (at the service) as INTERNAL.
 * The gateway validates input first, so what still fails to encode was the client's input.
 */
const REQUEST_ENCODING_FAILURE = /^(Request message serialization failure|Error deserializing request)/;
const TIMEOUT: Problem = { type: "/problems/timeout", title: "An upstream service did not answer in time", status: 504 };

/**
 * A refusal of the HTTP layer itself, with no domain meaning: a method, a media type, a body
 * too large, a reused Idempotency-Key, a rate limit, a request that took too long.
 */
export class HttpError extends Error {
  constructor(
    readonly status: 405 | 409 | 413 | 415 | 422 | 429 | 503 | 504,
    message: string,
  ) {
    super(message);
  }
}

const BY_HTTP_STATUS: Record<HttpError["status"], Omit<Problem, "detail">> = {
  405: { type: "/problems/method-not-allowed", title: "Method not allowed", status: 405 },
  409: { type: "/problems/request-in-progress", title: "A request with this Idempotency-Key is still in progress", status: 409 },
  413: { type: "/problems/too-large", title: "Request body too large", status: 413 },
  415: { type: "/problems/unsupported-media-type", title: "Unsupported media type", status: 415 },
  422: { type: "/problems/idempotency-key-reused", title: "The Idempotency-Key was used for another request", status: 422 },
  429: { type: "/problems/rate-limited", title: "Too many requests", status: 429 },
  503: { type: "/problems/unavailable", title: "Service unavailable", status: 503 },
  504: { type: "/problems/timeout", title: "The request took too long", status: 504 },
};

/** The one translation of errors into application/problem+json (RFC 9457). */
export function toProblem(error: unknown): Problem {
  if (error instanceof HttpError) return { ...BY_HTTP_STATUS[error.status], detail: error.message };
  if (error instanceof DomainError) {
    const violations: FieldViolation[] = "violations" in error ? (error.violations as FieldViolation[]) : [];
    return withViolations({ ...BY_KIND[error.kind]!, detail: error.message }, violations);
  }
  if (isGrpcError(error)) {
    if (error.code === GrpcStatus.DEADLINE_EXCEEDED) return TIMEOUT;
    if (error.code === GrpcStatus.INTERNAL && REQUEST_ENCODING_FAILURE.test(error.details)) {
      return { ...BY_KIND.validation!, detail: "the request cannot be encoded for the service; simplify it" };
    }
    const kind = KIND_BY_GRPC[error.code];
    if (!kind) return INTERNAL;
    const candidates = statusDetailsOf(error)
      .filter((detail) => detail.typeUrl.endsWith("/crm.contacts.v1.DuplicateCandidates"))
      .flatMap((detail) => contactsV1.DuplicateCandidates.decode(detail.value).candidates);
    const problem = withViolations({ ...BY_KIND[kind]!, detail: error.details }, fieldViolationsOf(error));
    return candidates.length > 0 ? { ...problem, candidates } : problem;
  }
  const http = error as { type?: string; status?: number };
  if (http.type === "entity.parse.failed") {
    return { ...BY_KIND.validation!, detail: "the body is not valid JSON" };
  }
  if (http.type === "entity.too.large") return { ...BY_HTTP_STATUS[413], detail: "the body is larger than this route takes" };
  return INTERNAL;
}

function withViolations(problem: Problem, violations: FieldViolation[]): Problem {
  if (violations.length === 0) return problem;
  return { ...problem, errors: violations.map((v) => ({ field: v.field, message: v.description })) };
}

/** A create that timed out may still be stored: the client retries with the key it ran under. */
function retryAdvice(problem: Problem, idempotencyKey: string | undefined): Problem {
  if (!idempotencyKey) return problem;
  return {
    ...problem,
    detail: `the request may still have been applied; retry it with the header Idempotency-Key: ${idempotencyKey} to get its result without applying it twice`,
    idempotencyKey,
  };
}

export function sendProblem(req: Request, res: Response, problem: Problem): void {
  const traceId = trace.getActiveSpan()?.spanContext().traceId;
  // Refused before its body was read (an upload): close the connection rather than read the rest.
  if (!req.complete) res.setHeader("Connection", "close");
  res
    .status(problem.status)
    .type("application/problem+json")
    .json({ ...problem, instance: req.originalUrl, traceId, requestId: res.getHeader("x-request-id") });
}

export function problemHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const problem = toProblem(error);
    // The request's own answer was already sent (a 504 on timeout): what its handler did after that goes nowhere.
    if (res.locals.timedOut) return;
    if (res.headersSent) {
      // A streamed response (a CSV export) failed part-way: the client must not take it as complete.
      log.error({ err: error, path: req.path }, "streamed response failed");
      res.destroy();
      return;
    }
    if (problem.status >= 500) log.error({ err: error, path: req.path }, "request failed");
    sendProblem(req, res, problem.status === 504 ? retryAdvice(problem, res.locals.idempotencyKey as string | undefined) : problem);
  };
}
