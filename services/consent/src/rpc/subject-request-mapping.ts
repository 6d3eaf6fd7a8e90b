import { consentV1 } from "@crm/proto";
import { ValidationError } from "@crm/kit";
import type { SubjectRequestDraft } from "../domain/subject-request";
import type { NewRequestDocument } from "../store/subject-request-repository";
import { requestKinds, requestStatuses } from "./enums";

export function toSubjectRequestDraft(input: consentV1.SubjectRequestInput | undefined): SubjectRequestDraft {
  if (!input) throw ValidationError.field("request", "is required");
  return { kind: requestKinds.toDomain(input.kind), subjectId: input.subjectId, emails: input.emails, phones: input.phones };
}

export function toProtoSubjectRequest(request: NewRequestDocument): consentV1.SubjectRequest {
  return {
    id: request._id,
    kind: requestKinds.toProto(request.kind),
    status: requestStatuses.toProto(request.status),
    subjectId: request.subject.contactId,
    emails: request.subject.emails,
    phones: request.subject.phones,
    subjectPseudonym: request.subjectPseudonym,
    requestedBy: request.requestedBy,
    requestTime: request.requestedAt,
    completeTime: request.completedAt,
    services: Object.entries(request.progress)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([service, part]) => ({
        service,
        done: part.done,
        erased: String(part.erased),
        anonymised: String(part.anonymised),
        records: String(part.records),
        doneTime: part.doneAt,
        asks: part.asks,
        lastAskTime: part.lastAskAt,
        lastError: part.lastError,
      })),
  };
}
