import { isDuplicateKey } from "@crm/kit";
import type { ExclusionCounts } from "../domain/campaign";
import type { RecipientDocument, RecipientModel, RecipientStatus } from "./recipient.model";

export type NewRecipient = Omit<RecipientDocument, "attempts" | "updatedAt" | "lastError">;

/** Counts of one campaign's audience: members by status, and the excluded by reason. */
export interface AudienceCounts {
  audience: number;
  byStatus: Partial<Record<RecipientStatus, number>>;
  excluded: ExclusionCounts;
}

/**
 * The audience snapshots of campaigns and each recipient's send state. Writes are idempotent:
 * a snapshot batch stored again (a resumed build) adds nothing, and status changes are
 * conditional on the status they leave.
 */
export class RecipientRepository {
  constructor(private readonly model: RecipientModel) {}

  /** Stores a batch of the snapshot; members already stored (by message id) are left as they are. */
  async addSnapshot(recipients: NewRecipient[], now = new Date()): Promise<void> {
    if (recipients.length === 0) return;
    try {
      await this.model.insertMany(recipients.map((recipient) => ({ ...recipient, attempts: 0, updatedAt: now })), { ordered: false });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async counts(tenantId: string, campaignId: string): Promise<AudienceCounts> {
    const groups = await this.model.aggregate<{ _id: { status: RecipientStatus; reason?: string | null }; count: number }>([
      { $match: { tenantId, campaignId } },
      { $group: { _id: { status: "$status", reason: "$reason" }, count: { $sum: 1 } } },
    ]);
    const counts: AudienceCounts = { audience: 0, byStatus: {}, excluded: {} };
    for (const { _id, count } of groups) {
      counts.audience += count;
      counts.byStatus[_id.status] = (counts.byStatus[_id.status] ?? 0) + count;
      if (_id.status === "excluded" && _id.reason) counts.excluded[_id.reason] = (counts.excluded[_id.reason] ?? 0) + count;
    }
    return counts;
  }

  /** Counts per variant and status/reason, for metrics. */
  async countsByVariant(tenantId: string, campaignId: string): Promise<Array<{ variant: string; status: RecipientStatus; reason: string; count: number }>> {
    const groups = await this.model.aggregate<{ _id: { variant?: string; status: RecipientStatus; reason?: string | null }; count: number }>([
      { $match: { tenantId, campaignId } },
      { $group: { _id: { variant: "$variant", status: "$status", reason: "$reason" }, count: { $sum: 1 } } },
    ]);
    return groups.map(({ _id, count }) => ({ variant: _id.variant ?? "", status: _id.status, reason: _id.reason ?? "", count }));
  }

  /** The next recipients in a status, in id order. */
  async inStatus(tenantId: string, campaignId: string, status: RecipientStatus, limit: number): Promise<RecipientDocument[]> {
    return this.model.find({ tenantId, campaignId, status }).sort({ _id: 1 }).limit(limit).lean<RecipientDocument[]>();
  }

  /**
   * Records that these sends are about to be made, before the provider is called: a crash from
   * here until markSent leaves them `sending`, in doubt, for the restart to reconcile.
   */
  async markSending(tenantId: string, ids: string[], sender: string, now = new Date()): Promise<void> {
    await this.model.updateMany({ tenantId, _id: { $in: ids }, status: "pending" }, { $set: { status: "sending", sender, updatedAt: now }, $inc: { attempts: 1 } });
  }

  /**
   * Which of these recipients this sender marked `sending`: not one excluded meanwhile (its
   * consent withdrawn), nor one another runner took (a lease taken over from a stalled runner).
   */
  async sendingAmong(tenantId: string, ids: string[], sender: string): Promise<Set<string>> {
    const found = await this.model.find({ tenantId, _id: { $in: ids }, status: "sending", sender }, { _id: 1 }).lean();
    return new Set(found.map((recipient) => recipient._id));
  }

  async markSent(tenantId: string, ids: string[], now = new Date()): Promise<void> {
    if (ids.length === 0) return;
    await this.model.updateMany({ tenantId, _id: { $in: ids }, status: { $in: ["pending", "sending"] } }, { $set: { status: "sent", updatedAt: now } });
  }

  /** A send the provider refused for good (an invalid address): not tried again. */
  async markFailed(tenantId: string, id: string, error: string, now = new Date()): Promise<void> {
    await this.model.updateOne({ tenantId, _id: id, status: "sending" }, { $set: { status: "failed", lastError: error.slice(0, 500), updatedAt: now } });
  }

  /** A send that failed for now (the provider unreachable): pending again, tried on the next pass. */
  async backToPending(tenantId: string, ids: string[], error: string, now = new Date()): Promise<void> {
    if (ids.length === 0) return;
    await this.model.updateMany({ tenantId, _id: { $in: ids }, status: "sending" }, { $set: { status: "pending", lastError: error.slice(0, 500), updatedAt: now } });
  }

  /** A contact's pending sends in these campaigns are excluded (consent withdrawn after the snapshot). */
  async excludePending(tenantId: string, contactId: string, campaignIds: string[], reason: string, now = new Date()): Promise<number> {
    if (campaignIds.length === 0) return 0;
    const result = await this.model.updateMany(
      { tenantId, contactId, status: "pending", campaignId: { $in: campaignIds } },
      { $set: { status: "excluded", reason, updatedAt: now }, $unset: { address: "", values: "" } },
    );
    return result.modifiedCount;
  }

  /**
   * Recipients of a merged contact now belong to its survivor; where the survivor is in the same
   * campaign's audience, the merged one's pending send is dropped (`duplicate`): one person, one message.
   */
  async repoint(tenantId: string, from: string, to: string, now = new Date()): Promise<number> {
    const pending = await this.model.find({ tenantId, contactId: from, status: "pending" }, { campaignId: 1 }).lean();
    if (pending.length > 0) {
      const campaignIds = [...new Set(pending.map((recipient) => recipient.campaignId))];
      const survivorIn = await this.model.find({ tenantId, contactId: to, campaignId: { $in: campaignIds }, status: { $in: ["pending", "sending", "sent"] } }, { campaignId: 1 }).lean();
      const shared = [...new Set(survivorIn.map((recipient) => recipient.campaignId))];
      if (shared.length > 0) await this.excludePending(tenantId, from, shared, "duplicate", now);
    }
    return (await this.model.updateMany({ tenantId, contactId: from }, { $set: { contactId: to } })).modifiedCount;
  }

  /**
   * Erasure: the contact's pending sends are dropped from their campaigns' audiences (excluded,
   * `erased`), and every recipient of it loses its address and personalisation values.
   */
  async eraseContact(tenantId: string, contactIds: string[], pseudonym: string): Promise<number> {
    if (contactIds.length === 0) return 0;
    await this.model.updateMany({ tenantId, contactId: { $in: contactIds }, status: "pending" }, { $set: { status: "excluded", reason: "erased" } });
    const result = await this.model.updateMany({ tenantId, contactId: { $in: contactIds } }, { $set: { contactId: pseudonym, address: "", values: {} } });
    return result.modifiedCount;
  }

  /** Erasure by address: recipients snapshotted with one of these addresses lose it. */
  async eraseAddresses(tenantId: string, addresses: string[]): Promise<number> {
    if (addresses.length === 0) return 0;
    await this.model.updateMany({ tenantId, address: { $in: addresses }, status: "pending" }, { $set: { status: "excluded", reason: "erased" } });
    return (await this.model.updateMany({ tenantId, address: { $in: addresses } }, { $set: { address: "", values: {} } })).modifiedCount;
  }
}
