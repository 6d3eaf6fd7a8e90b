import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta, type OutboxEvent } from "@crm/kit";
import { statusOf, type ConsentAction } from "../domain/consent";
import type { StoredEntry } from "../domain/ledger-chain";
import { CONSENT_EVENTS } from "./subjects";

/**
 * consent.changed, for the marketing service and the timeline: whose consent, for what, now
 * granted or withdrawn, and the ledger entry behind it (its hash anchors the chain outside it).
 */
export function consentChanged(entry: StoredEntry & { subjectId: string }): OutboxEvent {
  return outboxEventWithMeta(
    CONSENT_EVENTS.changed,
    entry.tenantId,
    entry.recordedBy,
    entry.recordedAt,
    (meta) => ({
      meta,
      subjectId: entry.subjectId,
      purposeId: entry.purposeId,
      channel: entry.channel,
      status: statusOf(entry.action as ConsentAction),
      source: entry.source,
      changeTime: entry.occurredAt,
      expireTime: entry.expiresAt,
      ledgerSeq: String(entry.seq),
      ledgerHash: entry.hash,
    }),
    eventsV1.ConsentChanged,
  );
}
