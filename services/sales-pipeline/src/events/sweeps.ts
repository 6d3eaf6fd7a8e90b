import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { BackgroundWorker, Logger, SchedulerLeases } from "@crm/kit";

const JOB = "sales-pipeline-sweeps";

/** One kind of work a sweep pass does: answers how many items it handled (a full batch asks for another pass at once). */
export interface Sweep {
  name: string;
  run(now: Date): Promise<number>;
}

export interface SweepSettings {
  leases: SchedulerLeases;
  log: Logger;
  /** Between passes; also how often a replica without the lease asks for it. */
  intervalMs: number;
  leaseMs: number;
  /** A pass that handled this many items in one sweep runs again at once. */
  batch: number;
}

/**
 * The service's background sweeps, run by the one replica holding the lease (store/scheduler-leases.ts),
 * every intervalMs and on demand (wake): conversions left half done by an attempt that died,
 * leads to score again (rules changed, behaviour decayed, a contact merged), customer values
 * that an interrupted order write did not bring up to date. Their queues are marks on the
 * records themselves, so nothing is lost when a replica stops, and each item's work is
 * conditional on the mark it read, so two holders at once still do it once.
 */
export class Sweeps implements BackgroundWorker {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopping = false;

  constructor(
    private readonly sweeps: Sweep[],
    private readonly settings: SweepSettings,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** Runs a pass soon (work was just queued), or right after the one running. */
  wake(): void {
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
    await this.settings.leases.release(JOB, this.owner).catch((error: unknown) => this.settings.log.warn({ err: error }, "could not release the sweeps' lease"));
  }

  private schedule(delay: number): void {
    if (this.stopping) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), delay);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    if (this.running) return;
    this.again = false;
    let busy = false;
    this.running = (async () => {
      if (!(await this.settings.leases.claim(JOB, this.owner, this.settings.leaseMs))) return;
      for (const sweep of this.sweeps) {
        if (this.stopping) return;
        try {
          if ((await sweep.run(new Date())) >= this.settings.batch) busy = true;
        } catch (error) {
          this.settings.log.error({ err: error, sweep: sweep.name }, "sweep failed; trying again next pass");
        }
      }
    })().catch((error: unknown) => this.settings.log.error({ err: error }, "sweep pass failed"));
    await this.running;
    this.running = undefined;
    this.schedule(busy || this.again ? 0 : this.settings.intervalMs);
  }
}
