import { status as Status, type ServiceError } from "@grpc/grpc-js";
import { fieldViolationsOf, isGrpcError, NotFoundError, UnavailableError, ValidationError } from "@crm/kit";

/**
 * Another service's answer in this service's error vocabulary: its field violations (under the
 * field they concern here), its NOT_FOUND, and UNAVAILABLE for anything transient. Other errors
 * are this service's to fail with (INTERNAL).
 */
export function fromUpstream(error: unknown, service: string, field = ""): Error {
  if (!isGrpcError(error)) return error as Error;
  const failure = error as ServiceError;
  switch (failure.code) {
    case Status.INVALID_ARGUMENT: {
      const violations = fieldViolationsOf(failure).map((violation) => ({ ...violation, field: field ? `${field}.${violation.field}` : violation.field }));
      return new ValidationError(violations.length > 0 ? violations : [{ field, description: failure.details }], failure.details);
    }
    case Status.NOT_FOUND:
      return new NotFoundError(failure.details);
    case Status.UNAVAILABLE:
    case Status.DEADLINE_EXCEEDED:
    case Status.RESOURCE_EXHAUSTED:
      return new UnavailableError(`the ${service} service is unavailable; try again`);
    default:
      return failure;
  }
}
