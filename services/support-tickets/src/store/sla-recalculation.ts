import { kitMeter } from "@crm/kit";
import type { CalendarFields } from "../domain/calendar";
import { withSla } from "../domain/lifecycle";
import type { SlaPolicyFields } from "../domain/sla-policy";
import type { RecalculationDocument, RecalculationModel } from "./recalculation.model";
import type { SettingsRepository } from "./settings-repository";
import type { SlaSettingsReader } from "./sla-settings";
import type { TicketRepository } from "./ticket-repository";

/**
 * Recalculates the open tickets' SLA deadlines of a tenant whose policies or calendars changed,
 * from each ticket's history, in bounded batches: each batch is one read and one bulk write, and
 * the cursor is kept after each, so that the work resumes where it stopped. A change made while
 * a pass runs starts the pass again (tickets done before it were computed with older settings);
 * the change's request is cleared only by a pass that started after it.
 */
export class SlaRecalculation {
  private readonly recalculated = kitMeter().createCounter("sla.recalculated.tickets", { description: "Open tickets whose SLA deadlines were recalculated after a policy or calendar change" });

  constructor(
    private readonly stores: {
      tickets: TicketRepository;
      policies: SettingsRepository<SlaPolicyFields>;
      calendars: SettingsRepository<CalendarFields>;
      settings: SlaSettingsReader;
      progress: RecalculationModel;
    },
    private readonly batchSize = 500,
  ) {}

  /** Whether some tenant waits for a recalculation. */
  async pending(): Promise<boolean> {
    const [policy, calendar] = await Promise.all([this.stores.policies.pendingRecalculation(), this.stores.calendars.pendingRecalculation()]);
    return Boolean(policy || calendar);
  }

  /** One batch of the tenant waiting longest; false when none waits. */
  async step(now = new Date()): Promise<boolean> {
    const { tickets, policies, calendars, settings, progress } = this.stores;
    const [policy, calendar] = await Promise.all([policies.pendingRecalculation(), calendars.pendingRecalculation()]);
    const waiting = [policy, calendar].filter((request): request is NonNullable<typeof request> => Boolean(request)).sort((a, b) => +a.requestedAt - +b.requestedAt)[0];
    if (!waiting) return false;
    const { tenantId } = waiting;
    const requests = [await policies.latestRequest(tenantId), await calendars.latestRequest(tenantId)].filter((date): date is Date => Boolean(date));
    // Cleared meanwhile by another pass (a lease taken over): nothing left to do for this tenant.
    if (requests.length === 0) return true;
    const latest = new Date(Math.max(...requests.map(Number)));
    let state = (await progress.findOne({ _id: tenantId, tenantId }).lean<RecalculationDocument>()) ?? undefined;
    if (!state || +state.requestedAt < +latest) {
      state = { _id: tenantId, tenantId, requestedAt: latest, cursor: "", processed: 0, startedAt: now };
      await progress.replaceOne({ _id: tenantId, tenantId }, state, { upsert: true });
    }
    const tenantSettings = await settings.of(tenantId);
    const batch = await tickets.openBatch(tenantId, state.cursor, this.batchSize);
    await tickets.writeRecalculated(batch.map((ticket) => withSla(ticket, tenantSettings, now)));
    this.recalculated.add(batch.length);
    if (batch.length < this.batchSize) {
      await policies.recalculated(tenantId, state.requestedAt);
      await calendars.recalculated(tenantId, state.requestedAt);
      await progress.deleteOne({ _id: tenantId, tenantId });
    } else {
      await progress.updateOne({ _id: tenantId, tenantId }, { $set: { cursor: batch.at(-1)!.id }, $inc: { processed: batch.length } });
    }
    return true;
  }

  /** Every waiting recalculation to its end (tests, the benchmark); the scheduler runs steps instead. */
  async runAll(): Promise<number> {
    let steps = 0;
    while (await this.step()) steps++;
    return steps;
  }
}
