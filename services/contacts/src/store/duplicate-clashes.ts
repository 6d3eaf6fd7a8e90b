import { contactsV1 } from "@crm/proto";
import { ConflictError } from "@crm/kit";
import { STRONG_MATCH, type Candidate } from "../domain/duplicates";

export const DUPLICATE_CANDIDATES_TYPE = "type.googleapis.com/crm.contacts.v1.DuplicateCandidates";

/** A refusal for likely duplicates, carrying the candidates (ALREADY_EXISTS / 409 with them listed). */
export type ClashError = ConflictError;

export function duplicatesConflict(message: string, candidates: Candidate[]): ClashError {
  return new ConflictError(message).withDetail({
    typeUrl: DUPLICATE_CANDIDATES_TYPE,
    value: contactsV1.DuplicateCandidates.encode({ candidates }).finish(),
  });
}

/**
 * Why a new record may not be created beside its candidates, if it may not: external ids are
 * unique without exception; other strong matches unless the caller insists.
 */
export function refuseClashes(subject: { externalId: string }, candidates: Candidate[], allowDuplicates: boolean): ClashError | undefined {
  const strong = candidates.filter((candidate) => candidate.score >= STRONG_MATCH);
  const sameExternalId = strong.filter((candidate) => candidate.reasons.includes("same external id"));
  if (sameExternalId.length > 0) {
    return duplicatesConflict(`external id ${subject.externalId} is already used by contact ${sameExternalId[0]!.id}`, sameExternalId);
  }
  if (strong.length > 0 && !allowDuplicates) {
    return duplicatesConflict(`${strong.length} existing contact(s) look like the same person; create anyway with allowDuplicates`, strong);
  }
  return undefined;
}
