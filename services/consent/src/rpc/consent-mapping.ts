import { consentV1 } from "@crm/proto";
import { ValidationError, type FieldViolation } from "@crm/kit";
import type { ConsentDraft } from "../domain/consent";
import type { StoredEntry } from "../domain/ledger-chain";
import type { ConsentStateDocument } from "../store/consent-state.model";
import { actions, channels, sources, statuses } from "./enums";

export function toConsentDraft(input: consentV1.ConsentInput): ConsentDraft {
  return {
    subjectId: input.subjectId,
    purposeId: input.purposeId,
    channel: channels.toDomain(input.channel),
    action: actions.toDomain(input.action),
    source: sources.toDomain(input.source),
    noticeVersion: input.noticeVersion,
    ipAddress: input.ipAddress.trim(),
    userAgent: input.userAgent,
    occurredAt: input.occurTime,
    requestId: input.requestId,
    note: input.note,
  };
}

export function toProtoEntry(entry: StoredEntry): consentV1.LedgerEntry {
  return {
    id: entry.id,
    seq: String(entry.seq),
    kind: entry.kind,
    subjectId: entry.subjectId ?? "",
    purposeId: entry.purposeId,
    channel: channels.toProto(entry.channel),
    action: actions.toProto(entry.action),
    source: sources.toProto(entry.source),
    noticeVersion: entry.noticeVersion,
    ipAddress: entry.ipAddress ?? "",
    userAgent: entry.userAgent ?? "",
    recordedBy: entry.recordedBy,
    occurTime: entry.occurredAt,
    recordTime: entry.recordedAt,
    expireTime: entry.expiresAt,
    note: entry.note,
    prevHash: entry.prevHash,
    hash: entry.hash,
    erasedBy: entry.erasedBy ?? "",
    subjectPseudonym: entry.subjectPseudonym,
  };
}

export function toProtoConsent(state: ConsentStateDocument): consentV1.Consent {
  return {
    subjectId: state.subjectId,
    purposeId: state.purposeId,
    channel: channels.toProto(state.channel),
    status: statuses.toProto(state.status),
    source: sources.toProto(state.source),
    noticeVersion: state.noticeVersion,
    changeTime: state.changedAt,
    expireTime: state.expiresAt,
    ledgerSeq: String(state.ledgerSeq),
    updateTime: state.updatedAt,
  };
}

/** Runs a check on every item and refuses the request with all their violations at once. */
export function checkEach<T, R>(items: T[], check: (item: T, index: number) => R): R[] {
  const violations: FieldViolation[] = [];
  const results = items.map((item, index) => {
    try {
      return check(item, index);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      violations.push(...error.violations);
      return undefined as R;
    }
  });
  if (violations.length > 0) throw new ValidationError(violations);
  return results;
}

