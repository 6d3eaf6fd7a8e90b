import type { SchedulerLeaseModel } from "./scheduler-lease.model";
import { isDuplicateKey } from "./duplicate-key";

/**
 * Leases in MongoDB for jobs that one replica at a time runs. A claim is one findOneAndUpdate:
 * it renews the caller's own lease or takes one that ran out; while another holder's lease runs,
 * the upsert collides with it and the claim fails. A stopped holder's lease runs out by itself.
 */
export class SchedulerLeases {
  constructor(private readonly model: SchedulerLeaseModel) {}

  /** Takes or renews the lease of `job` for `ms`; false while someone else holds it. */
  async claim(job: string, owner: string, ms: number, now = new Date()): Promise<boolean> {
    try {
      const lease = await this.model
        .findOneAndUpdate(
          { _id: job, $or: [{ owner }, { leaseUntil: { $lt: now } }] },
          { $set: { owner, leaseUntil: new Date(now.getTime() + ms) } },
          { upsert: true, returnDocument: "after" },
        )
        .lean();
      return lease?.owner === owner;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Gives the lease up (a holder that stops), so that another replica takes over at once. */
  async release(job: string, owner: string): Promise<void> {
    await this.model.updateOne({ _id: job, owner }, { $set: { leaseUntil: new Date(0) } });
  }
}
