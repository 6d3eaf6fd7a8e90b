import { uuidv7, type Actor } from "@crm/kit";
import type { ConsentChange } from "../domain/consent";
import type { StoredEntry } from "../domain/ledger-chain";
import type { ConsentCache } from "./consent-cache";
import type { ConsentStateRepository } from "./consent-state-repository";
import type { LedgerRepository, NewEntry } from "./ledger-repository";

/**
 * Records consents: appends them to the ledger (the record, with its consent.changed events),
 * then brings the current states and their cache up to date. Those two steps are repeatable:
 * a writer that stops between them leaves its entries marked, and repair() finishes the job.
 */
export class ConsentRecorder {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly states: ConsentStateRepository,
    private readonly cache: ConsentCache,
  ) {}

  /** Grants and withdrawals of one caller, in order; a repeated request id records nothing new. */
  async record(actor: Actor, changes: ConsentChange[]): Promise<StoredEntry[]> {
    const now = new Date();
    return this.append(
      actor.tenantId,
      changes.map((change) => ({
        kind: "consent",
        purposeId: change.purposeId,
        channel: change.channel,
        action: change.action,
        source: change.source,
        noticeVersion: change.noticeVersion,
        recordedBy: actor.subject,
        occurredAt: change.occurredAt,
        recordedAt: now,
        expiresAt: change.expiresAt,
        note: change.note,
        subjectPseudonym: "",
        personal: { subjectId: change.subjectId, ipAddress: change.ipAddress, userAgent: change.userAgent },
        // Client keys apart from the service's own (merge:, erasure:).
        requestKey: change.requestId ? `request:${change.requestId}` : uuidv7(now.getTime()),
        announce: true,
      })),
    );
  }

  /** Appends entries the service writes itself (merges), then projects them. */
  async append(tenantId: string, entries: NewEntry[]): Promise<StoredEntry[]> {
    const stored = await this.ledger.append(tenantId, entries);
    await this.project(tenantId, stored);
    return stored;
  }

  /** Brings states and cache up to date with these entries; safe to repeat. */
  async project(tenantId: string, entries: StoredEntry[]): Promise<void> {
    await this.states.project(tenantId, entries);
    const subjectsByPurpose = new Map<string, Set<string>>();
    for (const entry of entries) {
      if (entry.kind !== "consent" || !entry.subjectId) continue;
      subjectsByPurpose.set(entry.purposeId, (subjectsByPurpose.get(entry.purposeId) ?? new Set()).add(entry.subjectId));
    }
    for (const [purposeId, subjects] of subjectsByPurpose) {
      await this.cache.writtenMany(tenantId, purposeId, await this.states.statesOf(tenantId, purposeId, [...subjects]), [...subjects]);
    }
    await this.ledger.projected(tenantId, entries.map((entry) => entry.id));
  }

  /** Finishes the projection of entries whose writer stopped half-way (any tenant); returns how many. */
  async repair(writtenBefore: Date, limit = 500): Promise<number> {
    const entries = await this.ledger.awaitingProjection(writtenBefore, limit);
    const byTenant = new Map<string, StoredEntry[]>();
    for (const entry of entries) byTenant.set(entry.tenantId, [...(byTenant.get(entry.tenantId) ?? []), entry]);
    for (const [tenantId, tenantEntries] of byTenant) await this.project(tenantId, tenantEntries);
    return entries.length;
  }
}
