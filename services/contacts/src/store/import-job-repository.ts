import { NotFoundError, PreconditionFailedError, uuidv7 } from "@crm/kit";
import type { ImportCounts, ImportJobDocument, ImportJobModel, ImportOptions, ImportRowError } from "./import-job.model";

/** Errors kept on the job; `failed` counts them all. */
export const MAX_STORED_ERRORS = 1_000;

/** Import jobs: created with their options, run once, progress saved as they go. */
export class ImportJobRepository {
  constructor(private readonly model: ImportJobModel) {}

  async create(tenantId: string, options: ImportOptions, createdBy: string): Promise<ImportJobDocument> {
    const now = new Date();
    const job: ImportJobDocument = {
      _id: uuidv7(now.getTime()), tenantId, options, status: "awaiting_file", rowsProcessed: 0, created: 0, updated: 0, skipped: 0, failed: 0,
      rowErrors: [], failureReason: "", createdBy, createdAt: now, updatedAt: now,
    };
    await this.model.create(job);
    return job;
  }

  async get(tenantId: string, id: string): Promise<ImportJobDocument> {
    const job = await this.model.findOne({ _id: id, tenantId }).lean<ImportJobDocument>();
    if (!job) throw new NotFoundError(`import job ${id} not found`);
    return job;
  }

  /** Moves the job to running; only one upload per job ever gets past this. */
  async start(tenantId: string, id: string): Promise<ImportJobDocument> {
    const job = await this.model
      .findOneAndUpdate({ _id: id, tenantId, status: "awaiting_file" }, { $set: { status: "running", updatedAt: new Date() } }, { returnDocument: "after" })
      .lean<ImportJobDocument>();
    if (job) return job;
    const existing = await this.get(tenantId, id);
    throw new PreconditionFailedError(`import job ${id} is ${existing.status}; a job takes one file`);
  }

  /** Saves counters and the errors found since the last save (kept up to MAX_STORED_ERRORS). */
  async progress(tenantId: string, id: string, counts: ImportCounts, newErrors: ImportRowError[], storedErrors: number): Promise<number> {
    const room = Math.max(0, MAX_STORED_ERRORS - storedErrors);
    const errors = newErrors.slice(0, room);
    await this.model.updateOne(
      { _id: id, tenantId },
      { $set: { ...counts, updatedAt: new Date() }, ...(errors.length ? { $push: { rowErrors: { $each: errors } } } : {}) },
    );
    return storedErrors + errors.length;
  }

  async finish(tenantId: string, id: string, outcome: { status: "completed" | "failed"; failureReason?: string }): Promise<ImportJobDocument> {
    const now = new Date();
    await this.model.updateOne({ _id: id, tenantId }, { $set: { status: outcome.status, failureReason: outcome.failureReason ?? "", updatedAt: now, finishedAt: now } });
    return this.get(tenantId, id);
  }
}
