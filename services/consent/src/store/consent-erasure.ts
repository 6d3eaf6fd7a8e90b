import type { ErasureCounts, ErasureRequest } from "@crm/kit";
import { erasureNote, subjectPseudonym } from "../domain/ledger-chain";
import { normaliseAddress, suppressionHash, type SuppressionType } from "../domain/suppression";
import type { ConsentCache } from "./consent-cache";
import type { ConsentStateRepository } from "./consent-state-repository";
import type { LedgerRepository } from "./ledger-repository";
import type { PurposeRepository } from "./purpose-repository";
import type { SubjectRequestRepository } from "./subject-request-repository";
import type { SuppressionRepository } from "./suppression-repository";

/**
 * The consent service's own part of the erasure saga (the kit's ErasureSaga keeps the receipt
 * and confirms). The ledger first records, under a pseudonym, that the erasure happened; then
 * the subject's entries lose their personal data (their digests keep the chain verifiable), its
 * current consents and their cache go, suppressed addresses keep only their hash (which goes on
 * suppressing), and its other requests lose their exports and identifiers.
 */
export class ConsentErasure {
  constructor(
    private readonly deps: {
      ledger: LedgerRepository;
      states: ConsentStateRepository;
      cache: ConsentCache;
      purposes: PurposeRepository;
      suppressions: SuppressionRepository;
      requests: SubjectRequestRepository;
    },
  ) {}

  async erase(request: ErasureRequest): Promise<ErasureCounts> {
    const { ledger, states, cache, purposes, suppressions, requests } = this.deps;
    const { tenantId, requestId, contactId } = request;
    const now = new Date();
    const pseudonym = subjectPseudonym(tenantId, contactId);
    const [record] = await ledger.append(tenantId, [
      {
        kind: "erasure",
        purposeId: "",
        channel: "",
        action: "",
        source: "",
        noticeVersion: 0,
        recordedBy: "service:consent",
        occurredAt: now,
        recordedAt: now,
        expiresAt: undefined,
        note: erasureNote(requestId),
        subjectPseudonym: pseudonym,
        requestKey: `erasure:${requestId}`,
        announce: false,
      },
    ]);
    const entries = await ledger.eraseSubject(tenantId, contactId, requestId);
    const consents = await states.removeSubject(tenantId, contactId);
    // At the erasure's ledger position: no write before it can put the subject's states back.
    await cache.cleared(tenantId, await purposes.ids(tenantId), contactId, record!.seq);
    const hashes = [...addressHashes("email", request.emails), ...addressHashes("phone", request.phones)];
    const addresses = await suppressions.forgetAddresses(tenantId, hashes, requestId);
    const others = await requests.forgetSubject(tenantId, pseudonym, requestId);
    return { erased: consents + others.erased, anonymised: entries + addresses + others.anonymised };
  }
}

export function addressHashes(type: SuppressionType, addresses: string[]): string[] {
  return addresses.flatMap((address) => {
    const normalised = normaliseAddress(type, address);
    return normalised ? [suppressionHash(type, normalised)] : [];
  });
}
