import { registerModel } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";

/**
 * The lease of a job that one replica at a time runs (the SLA scheduler): whoever holds it
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
