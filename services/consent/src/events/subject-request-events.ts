import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta, type OutboxEvent } from "@crm/kit";
import type { Subject, SubjectRequestKind } from "../domain/subject-request";
import { SUBJECT_REQUEST_EVENTS } from "./subjects";

interface RequestFacts {
  id: string;
  tenantId: string;
  subject: Subject;
}

/**
 * subject.erasure_requested, which every service's erasure participant (the kit's) consumes.
 * Asking again publishes it again with a new event id: participants re-confirm from their receipt.
 */
export function erasureRequested(request: RequestFacts, actor: string, deployment: string, at: Date): OutboxEvent {
  return outboxEventWithMeta(
    SUBJECT_REQUEST_EVENTS.erasureRequested,
    request.tenantId,
    actor,
    at,
    (meta) => ({ meta, requestId: request.id, contactId: request.subject.contactId, emails: request.subject.emails, phones: request.subject.phones, deployment }),
    eventsV1.SubjectErasureRequested,
  );
}

/** subject.access_requested: the request started; the parts are asked over gRPC. */
export function accessRequested(request: RequestFacts, actor: string, at: Date): OutboxEvent {
  return outboxEventWithMeta(
    SUBJECT_REQUEST_EVENTS.accessRequested,
    request.tenantId,
    actor,
    at,
    (meta) => ({ meta, requestId: request.id, contactId: request.subject.contactId }),
    eventsV1.SubjectAccessRequested,
  );
}

/** subject_request.completed: every service answered and the receipt is issued; the subject by pseudonym only. */
export function subjectRequestCompleted(request: { id: string; tenantId: string; kind: SubjectRequestKind; subjectPseudonym: string }, services: string[], at: Date): OutboxEvent {
  return outboxEventWithMeta(
    SUBJECT_REQUEST_EVENTS.completed,
    request.tenantId,
    "service:consent",
    at,
    (meta) => ({ meta, requestId: request.id, kind: request.kind, subjectPseudonym: request.subjectPseudonym, services }),
    eventsV1.SubjectRequestCompleted,
  );
}
