import { Schema, type Connection, type Model } from "mongoose";
import { isDuplicateKey } from "./duplicate-key";
import { registerModel } from "./record";

/**
 * The lease of a job that one replica at a time runs (a scheduler, a sweep): whoever holds it
 * renews it while running; when its holder stops or dies, the lease runs out and another takes it.
 * Service-wide, not a tenant's data.
 */
export interface SchedulerLeaseDocument {
  /** The job's name. */
  _id: string;
  owner: string;
  leaseUntil: Date;
}

const schema = new Schema<SchedulerLeaseDocument>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    leaseUntil: { type: Date, required: true },
  },
  { collection: "scheduler_leases", versionKey: false, strict: "throw" },
);

export type SchedulerLeaseModel = Model<SchedulerLeaseDocument>;

export const createSchedulerLeaseModel = (connection: Connection): Promise<SchedulerLeaseModel> => registerModel(connection, "SchedulerLease", schema);

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
