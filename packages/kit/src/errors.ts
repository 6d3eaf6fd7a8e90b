// The small vocabulary of errors that domain code throws. Each transport translates them once:
// gRPC in grpc/status.ts, HTTP in the gateway's problem+json middleware.

export interface FieldViolation {
  /** Dotted path of the offending field, as the caller named it (e.g. `contact.email`). */
  field: string;
  description: string;
}

/** A typed detail for the caller (google.protobuf.Any), e.g. the duplicates behind a conflict. */
export interface ErrorDetail {
  typeUrl: string;
  value: Uint8Array;
}

export abstract class DomainError extends Error {
  abstract readonly kind: string;
  /** Details sent beside the status, for clients that know their type. */
  details: ErrorDetail[] = [];

  withDetail(detail: ErrorDetail): this {
    this.details.push(detail);
    return this;
  }
}

export class ValidationError extends DomainError {
  readonly kind = "validation";
  constructor(readonly violations: FieldViolation[], message = "request is invalid") {
    super(message);
  }
  static field(field: string, description: string): ValidationError {
    return new ValidationError([{ field, description }], `${field}: ${description}`);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = "not_found";
}

export class ConflictError extends DomainError {
  readonly kind = "conflict";
}

/** The caller's precondition (e.g. an etag) no longer holds. */
export class PreconditionFailedError extends DomainError {
  readonly kind = "precondition_failed";
}

export class UnauthenticatedError extends DomainError {
  readonly kind = "unauthenticated";
}

export class PermissionDeniedError extends DomainError {
  readonly kind = "permission_denied";
}

/** A dependency is unreachable; the caller may retry. */
export class UnavailableError extends DomainError {
  readonly kind = "unavailable";
}
