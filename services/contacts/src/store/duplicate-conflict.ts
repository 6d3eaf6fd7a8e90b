import { contactsV1 } from "@crm/proto";
import { ConflictError } from "@crm/kit";
import type { Candidate } from "../domain/duplicates";

/** How a create treats likely duplicates and repeats: the same for contacts and organisations. */
export interface CreateOptions {
  allowDuplicates: boolean;
  /** Idempotency key: a create repeated with it returns the record the first one stored. */
  requestId?: string;
}

export const DUPLICATE_CANDIDATES_TYPE = "type.googleapis.com/crm.contacts.v1.DuplicateCandidates";

/** ALREADY_EXISTS carrying the candidates, so that a client can show or merge them. */
export function duplicatesConflict(message: string, candidates: Candidate[]): ConflictError {
  return new ConflictError(message).withDetail({
    typeUrl: DUPLICATE_CANDIDATES_TYPE,
    value: contactsV1.DuplicateCandidates.encode({ candidates }).finish(),
  });
}
