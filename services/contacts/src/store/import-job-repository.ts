import { NotFoundError, PreconditionFailedError, uuidv7 } from "@crm/kit";
import type { ImportCounts, ImportJobDocument, ImportJobModel, ImportOptions, ImportRowError } from "./import-job.model";

/** Errors kept on the job; `failed` counts them all. */
export const MAX_STORED_ERRORS = 1_000;

/** Where a running job stands: its counters and the CSV records read and applied. */
export interface ImportCheckpoint {
  counts: ImportCounts;
  recordsRead: number;
}

/** Thrown when a worker finds that its lease on a job passed to another worker. */
export class LeaseLostError extends Error {}

/**
 * Import jobs: created with their options, then awaiting_file -> receiving -> queued ->
 * running -> completed | failed. Running jobs are leased to one worker, which renews the lease
 * with every progress save; a job whose lease ran out is taken over by another worker.
 */
export class ImportJobRepository {
  constructor(private readonly model: ImportJobModel) {}

  async create(tenantId: string, options: ImportOptions, createdBy: string): Promise<ImportJobDocument> {
    const now = new Date();
    const job: ImportJobDocument = {
      _id: uuidv7(now.getTime()), tenantId, options, status: "awaiting_file", rowsProcessed: 0, created: 0, updated: 0, skipped: 0, failed: 0,
      rowErrors: [], failureReason: "", bytesReceived: 0, recordsRead: 0, createdBy, createdAt: now, updatedAt: now,
    };
    await this.model.create(job);
    return job;
  }

  async get(tenantId: string, id: string): Promise<ImportJobDocument> {
    const job = await this.model.findOne({ _id: id, tenantId }).lean<ImportJobDocument>();
    if (!job) throw new NotFoundError(`import job ${id} not found`);
    return job;
  }

  /** Starts receiving the file; only one upload per job ever gets past this. */
  async receive(tenantId: string, id: string): Promise<ImportJobDocument> {
    const job = await this.model
      .findOneAndUpdate({ _id: id, tenantId, status: "awaiting_file" }, { $set: { status: "receiving", updatedAt: new Date() } }, { returnDocument: "after" })
      .lean<ImportJobDocument>();
    if (job) return job;
    const existing = await this.get(tenantId, id);
    throw new PreconditionFailedError(`import job ${id} is ${existing.status}; a job takes one file`);
  }

  /** The upload goes on: a receiving job untouched for long is taken for abandoned (see below). */
  async touch(tenantId: string, id: string): Promise<void> {
    await this.model.updateOne({ _id: id, tenantId, status: "receiving" }, { $set: { updatedAt: new Date() } });
  }

  /**
   * Fails jobs whose upload stopped arriving without ending (the process that received it
   * died), in any tenant; returns them, so that their stored chunks can be removed.
   */
  async failAbandonedUploads(idleMs: number): Promise<Array<Pick<ImportJobDocument, "_id" | "tenantId">>> {
    const idleSince = new Date(Date.now() - idleMs);
    // Across tenants on purpose, as claim() does; few jobs are ever receiving at once.
    const abandoned = (await this.model.collection
      .find({ status: "receiving", updatedAt: { $lt: idleSince } }, { projection: { _id: 1, tenantId: 1 } })
      .toArray()) as unknown as Array<Pick<ImportJobDocument, "_id" | "tenantId">>;
    for (const job of abandoned) {
      await this.model.updateOne(
        { _id: job._id, tenantId: job.tenantId, status: "receiving", updatedAt: { $lt: idleSince } },
        { $set: { status: "failed", failureReason: "the upload stopped arriving; create a new job to upload the file again", updatedAt: new Date(), finishedAt: new Date() } },
      );
    }
    return abandoned;
  }

  /** The whole file is stored: the job waits for a worker. */
  async queue(tenantId: string, id: string, bytesReceived: number): Promise<ImportJobDocument> {
    await this.model.updateOne({ _id: id, tenantId, status: "receiving" }, { $set: { status: "queued", bytesReceived, updatedAt: new Date() } });
    return this.get(tenantId, id);
  }

  /**
   * Leases the oldest job that waits for a worker, or whose worker stopped renewing its lease,
   * in any tenant. Atomic: of two workers, one gets the job.
   */
  async claim(owner: string, leaseMs: number): Promise<ImportJobDocument | undefined> {
    const now = new Date();
    // Across tenants on purpose (the worker serves them all): the raw collection, as the outbox relay does.
    const job = await this.model.collection.findOneAndUpdate(
      { $or: [{ status: "queued" }, { status: "running", leaseUntil: { $lt: now } }] },
      { $set: { status: "running", leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs), updatedAt: now } },
      { sort: { createdAt: 1 }, returnDocument: "after" },
    );
    return (job ?? undefined) as ImportJobDocument | undefined;
  }

  /**
   * Saves where the job stands and the errors found since the last save (kept up to
   * MAX_STORED_ERRORS), renewing the lease. Throws LeaseLostError if another worker took over.
   */
  async progress(job: ImportJobDocument, checkpoint: ImportCheckpoint, newErrors: ImportRowError[], storedErrors: number, leaseMs: number): Promise<number> {
    const room = Math.max(0, MAX_STORED_ERRORS - storedErrors);
    const errors = newErrors.slice(0, room);
    const now = new Date();
    const result = await this.model.updateOne(
      { _id: job._id, tenantId: job.tenantId, status: "running", leaseOwner: job.leaseOwner },
      {
        $set: { ...checkpoint.counts, recordsRead: checkpoint.recordsRead, leaseUntil: new Date(now.getTime() + leaseMs), updatedAt: now },
        ...(errors.length ? { $push: { rowErrors: { $each: errors } } } : {}),
      },
    );
    if (result.matchedCount === 0) throw new LeaseLostError(`import job ${job._id} is no longer leased to ${job.leaseOwner}`);
    return storedErrors + errors.length;
  }

  /** Gives a running job back to the queue (its worker stops), to be resumed at once by another. */
  async release(job: ImportJobDocument): Promise<void> {
    await this.model.updateOne(
      { _id: job._id, tenantId: job.tenantId, status: "running", leaseOwner: job.leaseOwner },
      { $set: { status: "queued", updatedAt: new Date() }, $unset: { leaseOwner: "", leaseUntil: "" } },
    );
  }

  async finish(tenantId: string, id: string, outcome: { status: "completed" | "failed"; failureReason?: string }): Promise<ImportJobDocument> {
    const now = new Date();
    await this.model.updateOne(
      { _id: id, tenantId },
      { $set: { status: outcome.status, failureReason: outcome.failureReason ?? "", updatedAt: now, finishedAt: now }, $unset: { leaseOwner: "", leaseUntil: "" } },
    );
    return this.get(tenantId, id);
  }
}
