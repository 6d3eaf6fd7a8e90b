import { status as Status, Metadata, type ServiceError } from "@grpc/grpc-js";
import { Any, rpcErrorDetails, rpcStatus } from "@crm/proto";
import { DomainError, type FieldViolation } from "../errors";

const BAD_REQUEST_TYPE_URL = "type.googleapis.com/google.rpc.BadRequest";
const DETAILS_KEY = "grpc-status-details-bin";

const CODE_BY_KIND: Record<string, Status> = {
  validation: Status.INVALID_ARGUMENT,
  not_found: Status.NOT_FOUND,
  conflict: Status.ALREADY_EXISTS,
  precondition_failed: Status.FAILED_PRECONDITION,
  unauthenticated: Status.UNAUTHENTICATED,
  permission_denied: Status.PERMISSION_DENIED,
  unavailable: Status.UNAVAILABLE,
};

export type GrpcError = Partial<ServiceError> & { code: Status; details: string; metadata: Metadata };

/**
 * The one translation of thrown errors into gRPC statuses. Field violations travel as a
 * standard google.rpc.BadRequest; an unexpected error becomes INTERNAL with no internals.
 */
export function toGrpcError(error: unknown): GrpcError {
  const metadata = new Metadata();
  if (!(error instanceof DomainError)) {
    return { code: Status.INTERNAL, details: "internal error", metadata };
  }
  const code = CODE_BY_KIND[error.kind] ?? Status.UNKNOWN;
  const details: Any[] = error.details.map((detail) => ({ typeUrl: detail.typeUrl, value: Buffer.from(detail.value) }));
  if ("violations" in error && Array.isArray(error.violations)) {
    const badRequest = rpcErrorDetails.BadRequest.encode({ fieldViolations: error.violations }).finish();
    details.unshift({ typeUrl: BAD_REQUEST_TYPE_URL, value: Buffer.from(badRequest) });
  }
  if (details.length > 0) {
    metadata.set(DETAILS_KEY, Buffer.from(rpcStatus.Status.encode({ code, message: error.message, details }).finish()));
  }
  return { code, details: error.message, metadata };
}

/** The details carried by a gRPC error (the client side of toGrpcError). */
export function statusDetailsOf(error: Partial<ServiceError>): Any[] {
  const raw = error.metadata?.get(DETAILS_KEY)[0];
  if (!raw || typeof raw === "string") return [];
  return rpcStatus.Status.decode(raw).details;
}

/** Field violations carried by a gRPC error, if any. */
export function fieldViolationsOf(error: Partial<ServiceError>): FieldViolation[] {
  return statusDetailsOf(error)
    .filter((detail: Any) => detail.typeUrl === BAD_REQUEST_TYPE_URL)
    .flatMap((detail: Any) => rpcErrorDetails.BadRequest.decode(detail.value).fieldViolations);
}

export function isGrpcError(error: unknown): error is ServiceError {
  return typeof error === "object" && error !== null && "code" in error && "metadata" in error;
}
