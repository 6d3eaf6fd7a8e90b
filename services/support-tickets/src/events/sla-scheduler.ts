import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { type BackgroundWorker, kitMeter, type Logger, type SchedulerLeases } from "@crm/kit";
import { announceDue } from "../domain/escalation";
import { withSla, type SlaSettings } from "../domain/lifecycle";
import { nextAlertAt } from "../domain/sla";
import type { Ticket } from "../domain/ticket";
import type { SlaRecalculation } from "../store/sla-recalculation";
import type { SlaSettingsReader } from "../store/sla-settings";
import type { TicketRepository } from "../store/ticket-repository";
import { slaAlert } from "./ticket-events";

const JOB = "sla-scheduler";
const BATCH = 100;
/** Tickets handled at once within a batch. */
const IN_FLIGHT = 4;
/** Recalculation batches per pass, so that alerts are not kept waiting behind a long recalculation. */
const RECALCULATION_STEPS = 4;

export interface SlaSchedulerSettings {
  tickets: TicketRepository;
  settings: SlaSettingsReader;
  recalculation: SlaRecalculation;
  leases: SchedulerLeases;
  log: Logger;
  /** How often a replica without the lease asks for it, and the longest the holder sleeps. */
  pollMs: number;
  /** How long a lease lasts unless renewed: how soon another replica takes over from a dead one. */
  leaseMs: number;
}

/**
 * Announces SLA warnings and breaches on time and once, across replicas and restarts, applies
 * the policies' escalation rules, and runs the recalculations that changed settings ask for.
 * The replica holding the lease (store/scheduler-leases.ts) handles every ticket whose next alert
 * (`slaWatchAt`) has come, then sleeps until the next one (or pollMs, renewing the lease). The
 * queue is the tickets themselves, so nothing is lost when a replica stops; and each announcement
 * is written at the ticket's version read, so even two holders (a lease taken over while its old
 * holder still ran) announce and escalate it once.
 */
export class SlaScheduler implements BackgroundWorker {
  /** Alerts announced, by kind (warning, breach) and metric: what SREs and support leads watch. */
  private readonly announcedAlerts = kitMeter().createCounter("sla.alerts.announced", { description: "SLA warnings and breaches announced (ticket.sla_warning, ticket.sla_breached)" });
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly settings: SlaSchedulerSettings) {}

  start(): void {
    this.sleepUntil(Date.now());
  }

  /** Something is due at `at` (a ticket's next alert, a recalculation asked for): wake up then if asleep for longer. */
  wake(at: Date | undefined): void {
    if (at && at.getTime() < this.wakeAt) this.sleepUntil(at.getTime());
  }

  /** A ticket was written: wake up for its next alert. */
  wakeFor(ticket: Ticket): void {
    this.wake(nextAlertAt(ticket.sla.clocks, ticket.sla.announced, new Date()));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
    await this.settings.leases.release(JOB, this.owner).catch((error: unknown) => this.settings.log.warn({ err: error }, "could not release the SLA scheduler's lease"));
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
    this.running = this.pass()
      .then((nextDue) => {
        if (nextDue) next = Math.min(next, nextDue.getTime());
      })
      .catch((error: unknown) => this.settings.log.error({ err: error }, "SLA scheduler pass failed; trying again"))
      .finally(() => {
        this.running = undefined;
        this.sleepUntil(Math.min(next, this.wakeAt));
      });
    await this.running;
  }

  /** With the lease: announces what is due, advances recalculations, and tells when to look again. */
  private async pass(): Promise<Date | undefined> {
    const { tickets, leases, leaseMs, log, recalculation } = this.settings;
    if (!(await leases.claim(JOB, this.owner, leaseMs))) return undefined;
    const settings = new Map<string, Promise<SlaSettings>>();
    const settingsOf = (tenantId: string) => settings.get(tenantId) ?? settings.set(tenantId, this.settings.settings.of(tenantId)).get(tenantId)!;
    for (let round = 0; round < 50 && !this.stopping; round++) {
      const now = new Date();
      const due = await tickets.dueForAlerts(now, BATCH);
      let announced = 0;
      // A few at a time: one ticket's arithmetic overlaps another's write.
      let next = 0;
      const worker = async () => {
        while (next < due.length) {
          const ticket = due[next++]!;
          announced += await this.handle(ticket, await settingsOf(ticket.tenantId), now);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      if (announced > 0) log.info({ announced }, "SLA alerts announced");
      if (due.length < BATCH) break;
    }
    let more = false;
    for (let step = 0; step < RECALCULATION_STEPS && !this.stopping; step++) if (!(more = await recalculation.step())) break;
    return more ? new Date() : tickets.nextWatchAt();
  }

  /** Announces a ticket's due alerts with their escalation, at the version read; a stale watch is computed again. */
  private async handle(ticket: Ticket, settings: SlaSettings, now: Date): Promise<number> {
    // Computed again first: settings changed since its last write are not waited for.
    const fresh = withSla(ticket, settings, now);
    const { ticket: next, announcements } = announceDue(fresh, settings, now);
    if (announcements.length === 0) {
      await this.settings.tickets.writeRecalculated([fresh]);
      return 0;
    }
    const events = announcements.map((announcement) => slaAlert(next, announcement, now));
    if (!(await this.settings.tickets.saveIfUnchanged(ticket, next, events))) return 0;
    for (const { alert } of announcements) this.announcedAlerts.add(1, { kind: alert.kind, metric: alert.metric });
    return announcements.length;
  }
}
