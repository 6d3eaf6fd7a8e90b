import { PreconditionFailedError, ValidationError } from "@crm/kit";

const MAX_REQUEST_ID = 200;

/** FAILED_PRECONDITION when the record changed since the caller read the version it names (no check without one). */
export function requireCurrent(current: { id: string; version: number }, expectedVersion: number | undefined, record: string): void {
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw new PreconditionFailedError(`${record} ${current.id} changed since it was read (etag mismatch); read it again`);
  }
}

export function requireRequestId(requestId: string): void {
  if (requestId.length > MAX_REQUEST_ID) throw ValidationError.field("requestId", `must be at most ${MAX_REQUEST_ID} characters`);
}
