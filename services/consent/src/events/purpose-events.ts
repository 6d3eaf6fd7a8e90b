import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta, type OutboxEvent } from "@crm/kit";
import { currentNoticeVersion, type Purpose } from "../domain/purpose";
import { PURPOSE_EVENTS } from "./subjects";

/** purpose.created: the id and name a consumer needs to link and show it. */
export function purposeCreated(purpose: Purpose): OutboxEvent {
  return outboxEventWithMeta(
    PURPOSE_EVENTS.created,
    purpose.tenantId,
    purpose.createdBy,
    purpose.createdAt,
    (meta) => ({ meta, purposeId: purpose.id, name: purpose.name }),
    eventsV1.PurposeCreated,
  );
}

/** purpose.updated: what changed, and the notice versions that still count (a campaign re-checks after a renewal). */
export function purposeUpdated(purpose: Purpose, changedFields: string[]): OutboxEvent {
  return outboxEventWithMeta(
    PURPOSE_EVENTS.updated,
    purpose.tenantId,
    purpose.updatedBy,
    purpose.updatedAt,
    (meta) => ({
      meta,
      purposeId: purpose.id,
      name: purpose.name,
      changedFields,
      currentNoticeVersion: currentNoticeVersion(purpose),
      renewalRequiredFrom: purpose.renewalRequiredFrom,
    }),
    eventsV1.PurposeUpdated,
  );
}
