import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { BackgroundWorker, Logger, SchedulerLeases } from "@crm/kit";
import type { TaskRepository } from "../store/task-repository";

const JOB = "task-overdue";
const BATCH = 100;

export interface OverdueSchedulerSettings {
  tasks: TaskRepository;
  leases: SchedulerLeases;
  log: Logger;
  /** How often a replica without the lease asks for it, and the longest the holder sleeps. */
  pollMs: number;
  /** How long a lease lasts unless renewed: how soon another replica takes over from a dead one. */
  leaseMs: number;
}

/**
 * Announces tasks that fall overdue (task.overdue), on time and once, across replicas and
 * restarts. The replica holding the lease (store/scheduler-leases.ts) announces every task whose
 * due time has come, then sleeps until the next due time (or pollMs, renewing the lease); the
 * others only ask for the lease. The queue is the tasks themselves (`overdueAt`), so nothing is
 * lost when a replica stops; and each announcement is conditional on the task still waiting for
 * it, so even two holders (a lease taken over while its old holder still ran) announce it once.
 */
export class OverdueScheduler implements BackgroundWorker {
  /** The name this replica holds the lease under. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly settings: OverdueSchedulerSettings) {}

  start(): void {
    this.sleepUntil(Date.now());
  }

  /** A task is due at `dueAt`: wake up then if asleep for longer (a replica without the lease only asks for it). */
  wake(dueAt: Date): void {
    if (dueAt.getTime() < this.wakeAt) this.sleepUntil(dueAt.getTime());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
    await this.settings.leases.release(JOB, this.owner).catch((error: unknown) => this.settings.log.warn({ err: error }, "could not release the overdue scheduler's lease"));
  }

  private sleepUntil(at: number): void {
    if (this.stopping) return;
    clearTimeout(this.timer);
    this.wakeAt = at;
    this.timer = setTimeout(() => void this.run(), Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.wakeAt = Infinity;
    let next = Date.now() + this.settings.pollMs;
    this.running = this.announceDue()
      .then((nextDue) => {
        if (nextDue) next = Math.min(next, nextDue.getTime());
      })
      .catch((error: unknown) => this.settings.log.error({ err: error }, "overdue scheduler pass failed; trying again"))
      .finally(() => {
        this.running = undefined;
        // A wake-up asked for during the pass may be sooner.
        this.sleepUntil(Math.min(next, this.wakeAt));
      });
    await this.running;
  }

  /** With the lease: announces what is due and tells when the next task falls due. */
  private async announceDue(): Promise<Date | undefined> {
    const { tasks, leases, leaseMs, log } = this.settings;
    if (!(await leases.claim(JOB, this.owner, leaseMs))) return undefined;
    for (;;) {
      const now = new Date();
      const due = await tasks.dueForAnnouncement(now, BATCH);
      let announced = 0;
      for (const task of due) if (await tasks.announceOverdue(task, now)) announced++;
      if (announced > 0) log.info({ announced }, "tasks announced as overdue");
      if (due.length < BATCH || this.stopping) break;
    }
    return tasks.nextOverdueAt();
  }
}
