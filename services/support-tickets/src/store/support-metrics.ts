import type { TicketModel } from "./ticket.model";

export interface DurationStats {
  count: number;
  averageBusinessMs: number;
  averageCalendarMs: number;
}

export interface TicketMetrics {
  created: number;
  resolved: number;
  firstResponse: DurationStats;
  resolution: DurationStats;
  backlog: Array<{ status: string; priority: string; count: number }>;
  withSla: number;
  breached: number;
  reopened: number;
}

const average = (total: number, count: number) => (count > 0 ? Math.round(total / count) : 0);

/**
 * Support metrics over a date range from the tickets themselves (their timing is kept as it
 * becomes known): a few $match/$group aggregations on indexed fields, nothing FerretDB lacks.
 */
export class SupportMetricsReads {
  constructor(private readonly model: TicketModel) {}

  async of(tenantId: string, from: Date, to: Date): Promise<TicketMetrics> {
    const range = { $gte: from, $lt: to };
    const count = async (match: Record<string, unknown>) => (await this.sum(match, {}))?.count ?? 0;
    const [created, resolved, firstResponse, resolution, withSla, breached, reopened, backlog] = await Promise.all([
      count({ tenantId, createdAt: range }),
      count({ tenantId, resolvedAt: range }),
      this.sum({ tenantId, createdAt: range, firstResponseAt: { $exists: true } }, { business: "$timing.firstResponseBusinessMs", calendar: "$timing.firstResponseCalendarMs" }),
      this.sum({ tenantId, resolvedAt: range }, { business: "$timing.resolutionBusinessMs", calendar: "$timing.resolutionCalendarMs" }),
      count({ tenantId, createdAt: range, "sla.policyId": { $gt: "" } }),
      count({ tenantId, createdAt: range, "sla.breached": true }),
      count({ tenantId, resolvedAt: range, reopenCount: { $gt: 0 } }),
      this.model.aggregate<{ _id: { status: string; priority: string }; count: number }>([
        { $match: { tenantId, open: true } },
        { $group: { _id: { status: "$status", priority: "$priority" }, count: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ]),
    ]);
    const durations = (row: Awaited<ReturnType<typeof this.sum>>): DurationStats => ({
      count: row?.count ?? 0,
      averageBusinessMs: average(row?.business ?? 0, row?.count ?? 0),
      averageCalendarMs: average(row?.calendar ?? 0, row?.count ?? 0),
    });
    return {
      created,
      resolved,
      firstResponse: durations(firstResponse),
      resolution: durations(resolution),
      backlog: backlog.map((row) => ({ status: row._id.status, priority: row._id.priority, count: row.count })),
      withSla,
      breached,
      reopened,
    };
  }

  /** The count of the matching tickets and the sums of some fields, in one $group. */
  private async sum(match: Record<string, unknown>, fields: Record<string, string>): Promise<{ count: number; business?: number; calendar?: number } | undefined> {
    const sums = Object.fromEntries(Object.entries(fields).map(([name, path]) => [name, { $sum: path }]));
    const [row] = await this.model.aggregate<{ count: number } & Record<string, number>>([{ $match: match }, { $group: { _id: null, count: { $sum: 1 }, ...sums } }]);
    return { count: row?.count ?? 0, ...Object.fromEntries(Object.keys(fields).map((name) => [name, row?.[name] ?? 0])) };
  }
}
