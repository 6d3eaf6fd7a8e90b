import type { SubjectExport, SubjectExportRequest } from "@crm/kit";
import { subjectPseudonym, type StoredEntry } from "../domain/ledger-chain";
import { addressHashes } from "./consent-erasure";
import type { ConsentStateRepository } from "./consent-state-repository";
import type { LedgerRepository } from "./ledger-repository";
import type { PurposeRepository } from "./purpose-repository";
import type { SubjectRequestRepository } from "./subject-request-repository";
import type { SuppressionRepository } from "./suppression-repository";

/**
 * The consent service's part of a subject's access export: its current consents (with their
 * purposes' names and lawful bases), every ledger entry about it with its proof, its suppressed
 * addresses and the requests it made.
 */
export class ConsentExport {
  constructor(
    private readonly deps: {
      ledger: LedgerRepository;
      states: ConsentStateRepository;
      purposes: PurposeRepository;
      suppressions: SuppressionRepository;
      requests: SubjectRequestRepository;
    },
  ) {}

  async export(request: SubjectExportRequest): Promise<SubjectExport> {
    const { ledger, states, purposes, suppressions, requests } = this.deps;
    const { tenantId, contactId } = request;
    const consents = contactId ? await states.ofSubject(tenantId, contactId) : [];
    const history = contactId ? await ledger.ofSubject(tenantId, contactId) : [];
    const named = await purposes.findMany(tenantId, [...consents, ...history].map((item) => item.purposeId));
    const suppressed = await suppressions.withHashes(tenantId, [...addressHashes("email", request.emails), ...addressHashes("phone", request.phones)]);
    const asked = contactId ? await requests.ofSubject(tenantId, subjectPseudonym(tenantId, contactId)) : [];
    const purpose = (id: string) => ({ purposeId: id, purpose: named.get(id)?.name ?? "", lawfulBasis: named.get(id)?.lawfulBasis ?? "" });
    return {
      data: {
        consents: consents.map((state) => ({
          ...purpose(state.purposeId),
          channel: state.channel,
          status: state.status,
          source: state.source,
          noticeVersion: state.noticeVersion,
          changedAt: state.changedAt,
          expiresAt: state.expiresAt ?? null,
        })),
        history: history.map((entry) => ({ ...purpose(entry.purposeId), ...proofOf(entry) })),
        suppressions: suppressed.map((item) => ({ type: item.type, address: item.address, reason: item.reason, createdAt: item.createdAt })),
        requests: asked.map((item) => ({ id: item._id, kind: item.kind, status: item.status, requestedAt: item.requestedAt, completedAt: item.completedAt ?? null })),
      },
      records: consents.length + history.length + suppressed.length + asked.length,
    };
  }
}

/** A ledger entry as its subject sees it: what was recorded, when, by whom, with what proof. */
function proofOf(entry: StoredEntry) {
  return {
    seq: entry.seq,
    channel: entry.channel,
    action: entry.action,
    source: entry.source,
    noticeVersion: entry.noticeVersion,
    occurredAt: entry.occurredAt,
    recordedAt: entry.recordedAt,
    recordedBy: entry.recordedBy,
    ipAddress: entry.ipAddress ?? "",
    userAgent: entry.userAgent ?? "",
    note: entry.note,
    hash: entry.hash,
  };
}
