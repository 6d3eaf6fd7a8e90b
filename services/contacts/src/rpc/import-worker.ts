import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { CoalescingRun, outsideCaller, type Logger } from "@crm/kit";
import type { ImportFileStore } from "../store/import-files";
import type { ImportJobDocument } from "../store/import-job.model";
import type { ImportJobRepository } from "../store/import-job-repository";
import { runImport, type ImportTarget } from "./import-runner";

export interface ImportWorkerSettings {
  imports: ImportJobRepository;
  files: ImportFileStore;
  targetFor: (job: ImportJobDocument) => Promise<ImportTarget>;
  log: Logger;
  /** A job whose worker has not saved progress for this long is taken over by another. */
  leaseMs: number;
  /** How often to look for work that no upload announced (jobs of a worker that stopped). */
  pollMs: number;
}

/**
 * Processes queued import jobs, one at a time per process, and resumes jobs whose worker
 * stopped (a crash, a deploy), and fails jobs whose upload stopped arriving. On stop it finishes the batch in hand, saves where it stands and
 * gives the job back to the queue, so another replica carries on at once.
 */
export class ImportWorker {
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | undefined;
  // Kicked from an upload's handler too: the jobs run for no caller, not limited to the uploader's records.
  private readonly passes = new CoalescingRun(() => outsideCaller(() => this.drain()));
  private stopping = false;

  constructor(private readonly settings: ImportWorkerSettings) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.settings.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Looks for work now (an upload just queued a job). */
  kick(): void {
    if (!this.stopping) this.passes.kick();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.passes.stop();
  }

  private async drain(): Promise<void> {
    const { imports, files, log, leaseMs } = this.settings;
    try {
      for (const job of await imports.failAbandonedUploads(leaseMs)) {
        log.warn({ job: job._id }, "import upload abandoned; job failed");
        await files.remove(job.tenantId, job._id);
      }
      for (let job = await imports.claim(this.owner, leaseMs); job; job = this.stopping ? undefined : await imports.claim(this.owner, leaseMs)) {
        await this.process(job);
      }
    } catch (error) {
      log.error({ err: error }, "import worker could not claim or run a job; retrying on the next poll");
    }
  }

  private async process(job: ImportJobDocument): Promise<void> {
    const { imports, files, log, leaseMs } = this.settings;
    if (job.recordsRead > 0) log.info({ job: job._id, recordsRead: job.recordsRead }, "resuming import job");
    const target = await this.settings.targetFor(job);
    const outcome = await runImport(imports, job, files.read(job.tenantId, job._id), target, log, { leaseMs, shouldStop: () => this.stopping });
    if (outcome.finished) await files.remove(job.tenantId, job._id);
  }
}
