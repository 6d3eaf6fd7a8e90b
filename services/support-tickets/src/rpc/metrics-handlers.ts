import { supportTicketsV1 } from "@crm/proto";
import { ValidationError, type ServiceRuntime } from "@crm/kit";
import type { FeedbackRepository } from "../store/feedback-repository";
import type { SupportMetricsReads } from "../store/support-metrics";

const PERIODS = ["day", "week", "month"] as const;
/** The longest range a metrics request covers. */
const MAX_RANGE_MS = 366 * 24 * 3600_000;

const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);

/** Support metrics for a date range: timings, backlog, breach and reopen rates, CSAT overall, per agent, team and period. */
export function metricsHandlers(rpc: ServiceRuntime["rpc"], { metrics, feedback }: { metrics: SupportMetricsReads; feedback: FeedbackRepository }) {
  return {
    getSupportMetrics: rpc("GetSupportMetrics", async (request: supportTicketsV1.GetSupportMetricsRequest, { identity }) => {
      const to = request.to ?? new Date();
      const from = request.from ?? new Date(+to - 30 * 24 * 3600_000);
      const period = (request.period || "week") as (typeof PERIODS)[number];
      const violations = [
        ...(+from < +to ? [] : [{ field: "from", description: "must be before to" }]),
        ...(+to - +from <= MAX_RANGE_MS ? [] : [{ field: "to", description: "the range is at most 366 days" }]),
        ...(PERIODS.includes(period) ? [] : [{ field: "period", description: `must be one of ${PERIODS.join(", ")}` }]),
      ];
      if (violations.length > 0) throw new ValidationError(violations);
      const { tenantId } = identity;
      const [tickets, [overall], byAgent, byTeam, byPeriod] = await Promise.all([
        metrics.of(tenantId, from, to),
        feedback.averages(tenantId, from, to, "all"),
        feedback.averages(tenantId, from, to, "assigneeId"),
        feedback.averages(tenantId, from, to, "team"),
        feedback.averages(tenantId, from, to, period),
      ]);
      const stats = (s: typeof tickets.firstResponse) => ({ count: String(s.count), averageBusinessMs: String(s.averageBusinessMs), averageCalendarMs: String(s.averageCalendarMs) });
      const group = (g: { key: string; count: number; average: number }) => ({ key: g.key, count: String(g.count), average: g.average });
      return {
        created: String(tickets.created),
        resolved: String(tickets.resolved),
        firstResponse: stats(tickets.firstResponse),
        resolution: stats(tickets.resolution),
        backlog: tickets.backlog.map((row) => ({ ...row, count: String(row.count) })),
        withSla: String(tickets.withSla),
        breached: String(tickets.breached),
        breachRate: rate(tickets.breached, tickets.withSla),
        reopened: String(tickets.reopened),
        reopenRate: rate(tickets.reopened, tickets.resolved),
        csat: group(overall ?? { key: "", count: 0, average: 0 }),
        csatByAgent: byAgent.map(group),
        csatByTeam: byTeam.map(group),
        csatByPeriod: byPeriod.map(group),
      };
    }),
  };
}
