import { supportTicketsV1 } from "@crm/proto";
import { z } from "zod";
import type { SupportTicketsClient } from "../clients/support-tickets";
import type { ApiRegistry } from "../http/api-registry";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from "../http/idempotency";
import { idParams, idSchema, ifMatch, ifMatchHeader, maskOf, pageInfoSchema } from "./schemas";
import { CHANNELS, METRICS, PRIORITIES, STATUSES } from "./ticket-schemas";

const TAG = "SLA";
const minutes = z.number().int().min(0).max(365 * 24 * 60);
const targetsSchema = z
  .object({ firstResponseMinutes: minutes.optional(), nextUpdateMinutes: minutes.optional(), resolutionMinutes: minutes.optional() })
  .strict()
  .describe("Business minutes; 0 or absent: no target");
const list = <T extends z.ZodType>(item: T) => z.array(item).max(50).optional();

const policyFields = {
  position: z.number().int().min(0).max(1_000_000).optional().describe("Policies are tried in this order; the first whose conditions hold applies"),
  enabled: z.boolean().optional(),
  conditions: z
    .object({ priorities: list(z.enum(PRIORITIES)), categories: list(z.string().max(100)), organizationTiers: list(z.string().max(100)), channels: list(z.enum(CHANNELS)) })
    .strict()
    .optional()
    .describe("Each list empty or absent: any value"),
  calendarId: z.union([idSchema, z.literal("")]).optional().describe("The business calendar the targets count in; empty: around the clock"),
  targets: z.object(Object.fromEntries(PRIORITIES.map((priority) => [priority, targetsSchema.optional()])) as Record<(typeof PRIORITIES)[number], z.ZodOptional<typeof targetsSchema>>).strict().optional(),
  pauseStatuses: list(z.enum(STATUSES)).describe("Statuses in which the clocks stop (default: pending_customer, on_hold)"),
  warnAtPercent: z.number().int().min(1).max(99).optional().describe("Share of a target used at which the ticket is at risk (default 80)"),
  escalations: z
    .array(
      z
        .object({
          on: z.enum(["warning", "breach"]),
          metrics: list(z.enum(METRICS)),
          raisePriority: z.boolean().optional(),
          assigneeId: z.string().max(100).optional(),
          team: z.string().max(100).optional(),
          notify: list(z.string().max(100)),
        })
        .strict(),
    )
    .max(20)
    .optional()
    .describe("What happens when a ticket is at risk or breached: raise its priority, re-assign it, notify people"),
};
const policyPatchSchema = z.object({ name: z.string().max(200).regex(/\S/, "is required").optional(), ...policyFields }).strict();
const newPolicySchema = policyPatchSchema.extend({ name: z.string().max(200).regex(/\S/, "is required"), targets: policyFields.targets.unwrap() });

const policySchema = z.object({
  id: z.string(),
  name: z.string(),
  position: z.number().int(),
  enabled: z.boolean(),
  conditions: z.object({ priorities: z.array(z.string()), categories: z.array(z.string()), organizationTiers: z.array(z.string()), channels: z.array(z.string()) }),
  calendarId: z.string().nullable(),
  targets: z.record(z.string(), z.object({ firstResponseMinutes: z.number().int(), nextUpdateMinutes: z.number().int(), resolutionMinutes: z.number().int() })),
  pauseStatuses: z.array(z.string()),
  warnAtPercent: z.number().int(),
  escalations: z.array(z.object({ on: z.string(), metrics: z.array(z.string()), raisePriority: z.boolean(), assigneeId: z.string(), team: z.string(), notify: z.array(z.string()) })),
  createdAt: z.string(),
  updatedAt: z.string(),
});

function toPolicyInput(body: z.output<typeof policyPatchSchema>): supportTicketsV1.SlaPolicyInput {
  const { escalations, ...rest } = body;
  return supportTicketsV1.SlaPolicyInput.fromPartial({
    ...rest,
    escalations: escalations?.map((rule) => ({ ...rule, metrics: rule.metrics ?? [], notify: rule.notify ?? [] })),
    targets: Object.fromEntries(Object.entries(body.targets ?? {}).map(([priority, targets]) => [priority, supportTicketsV1.SlaTargets.fromPartial(targets ?? {})])),
  });
}

function toRestPolicy(policy: supportTicketsV1.SlaPolicy | undefined): z.output<typeof policySchema> {
  if (!policy) throw new Error("the support-tickets service answered without a policy");
  const { createTime, updateTime, etag: _etag, conditions, calendarId, ...rest } = policy;
  return {
    ...rest,
    calendarId: calendarId || null,
    conditions: { priorities: [], categories: [], organizationTiers: [], channels: [], ...conditions },
    createdAt: createTime?.toISOString() ?? "",
    updatedAt: updateTime?.toISOString() ?? "",
  };
}

const spanSchema = z
  .object({
    day: z.number().int().min(1).max(7).describe("ISO weekday of the start: 1 Monday ... 7 Sunday"),
    start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:mm"),
    end: z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, "must be HH:mm (24:00 for midnight)").describe("At or before the start: the next day's"),
  })
  .strict();
const calendarPatchSchema = z
  .object({
    name: z.string().max(200).regex(/\S/, "is required").optional(),
    timeZone: z.string().max(100).regex(/\S/, "is required").optional().describe("IANA, e.g. Europe/Warsaw"),
    spans: z.array(spanSchema).min(1).max(70).optional().describe("Working hours, local time"),
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD")).max(1000).optional().describe("Closed local dates"),
  })
  .strict();
const newCalendarSchema = calendarPatchSchema.extend({ name: z.string().max(200).regex(/\S/, "is required"), timeZone: z.string().max(100).regex(/\S/, "is required"), spans: z.array(spanSchema).min(1).max(70) });
const calendarSchema = z.object({
  id: z.string(),
  name: z.string(),
  timeZone: z.string(),
  spans: z.array(z.object({ day: z.number().int(), start: z.string(), end: z.string() })),
  holidays: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

function toRestCalendar(calendar: supportTicketsV1.Calendar | undefined): z.output<typeof calendarSchema> {
  if (!calendar) throw new Error("the support-tickets service answered without a calendar");
  const { createTime, updateTime, etag: _etag, ...rest } = calendar;
  return { ...rest, createdAt: createTime?.toISOString() ?? "", updatedAt: updateTime?.toISOString() ?? "" };
}

const durationsSchema = z.object({ count: z.number().int(), averageBusinessMs: z.number().int(), averageCalendarMs: z.number().int() });
const csatSchema = z.object({ key: z.string(), count: z.number().int(), average: z.number() });
const metricsSchema = z.object({
  from: z.string(),
  to: z.string(),
  created: z.number().int(),
  resolved: z.number().int(),
  firstResponse: durationsSchema.describe("Of tickets opened in the range"),
  resolution: durationsSchema.describe("Of tickets resolved in the range"),
  backlog: z.array(z.object({ status: z.string(), priority: z.string(), count: z.number().int() })).describe("Open tickets now"),
  withSla: z.number().int(),
  breached: z.number().int(),
  breachRate: z.number().describe("Of tickets opened in the range under a policy, the share that breached any target"),
  reopened: z.number().int(),
  reopenRate: z.number().describe("Of tickets resolved in the range, the share ever reopened"),
  csat: csatSchema,
  csatByAgent: z.array(csatSchema),
  csatByTeam: z.array(csatSchema),
  csatByPeriod: z.array(csatSchema).describe("Keyed by the period's first day"),
});
const durations = (stats: supportTicketsV1.DurationStats | undefined) => ({ count: Number(stats?.count ?? 0), averageBusinessMs: Number(stats?.averageBusinessMs ?? 0), averageCalendarMs: Number(stats?.averageCalendarMs ?? 0) });
const csat = (group: supportTicketsV1.CsatGroup | undefined) => ({ key: group?.key ?? "", count: Number(group?.count ?? 0), average: group?.average ?? 0 });

/** /v1/sla-policies, /v1/calendars and /v1/support/metrics: SLA settings (each change recalculates the open tickets' deadlines) and metrics. */
export function registerSlaRoutes(api: ApiRegistry, client: SupportTicketsClient): void {
  const policy = { status: 200, schema: policySchema, description: "The policy" };
  const calendar = { status: 200, schema: calendarSchema, description: "The calendar" };
  const noPages = { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null };

  api.route({
    method: "post", path: "/v1/sla-policies", operationId: "createSlaPolicy", summary: "Create an SLA policy (targets in business hours of a calendar)", tag: TAG,
    permission: "support-tickets:admin", body: newPolicySchema, headers: [IDEMPOTENCY_KEY_HEADER], response: { status: 201, schema: policySchema, description: "The policy as stored" },
    handler: async ({ body, identity, req, res }) => {
      const created = (await client.call(identity, "createSlaPolicy", { policy: toPolicyInput(body), requestId: idempotencyKeyOf(req, res) })).policy;
      res.location(`/v1/sla-policies/${created?.id}`).setHeader("ETag", created?.etag ?? "");
      return toRestPolicy(created);
    },
  });
  api.route({
    method: "get", path: "/v1/sla-policies", operationId: "listSlaPolicies", summary: "The tenant's SLA policies, in the order they are tried", tag: TAG, permission: "support-tickets:read",
    response: { status: 200, schema: z.object({ data: z.array(policySchema), pageInfo: pageInfoSchema }), description: "Every policy" },
    handler: async ({ identity }) => ({ data: (await client.call(identity, "listSlaPolicies", {})).policies.map(toRestPolicy), pageInfo: noPages }),
  });
  api.route({
    method: "get", path: "/v1/sla-policies/:id", operationId: "getSlaPolicy", summary: "Get one SLA policy", tag: TAG, permission: "support-tickets:read", params: idParams, response: policy,
    handler: async ({ params, identity, res }) => {
      const found = (await client.call(identity, "getSlaPolicy", { id: params.id })).policy;
      res.setHeader("ETag", found?.etag ?? "");
      return toRestPolicy(found);
    },
  });
  api.route({
    method: "patch", path: "/v1/sla-policies/:id", operationId: "updateSlaPolicy", summary: "Change an SLA policy: the open tickets' deadlines are recalculated from their history", tag: TAG,
    permission: "support-tickets:admin", params: idParams, body: policyPatchSchema, headers: [ifMatchHeader("policy")], response: policy,
    handler: async ({ params, body, identity, req, res }) => {
      const updated = (await client.call(identity, "updateSlaPolicy", { id: params.id, policy: toPolicyInput(body), updateMask: maskOf(body), etag: ifMatch(req.get("if-match")) })).policy;
      res.setHeader("ETag", updated?.etag ?? "");
      return toRestPolicy(updated);
    },
  });
  api.route({
    method: "delete", path: "/v1/sla-policies/:id", operationId: "deleteSlaPolicy", summary: "Delete an SLA policy (its tickets fall under the next policy that applies)", tag: TAG,
    permission: "support-tickets:admin", params: idParams, headers: [ifMatchHeader("policy")], response: { status: 204, description: "Deleted" },
    handler: async ({ params, identity, req }) => {
      await client.call(identity, "deleteSlaPolicy", { id: params.id, etag: ifMatch(req.get("if-match")) });
    },
  });

  api.route({
    method: "post", path: "/v1/calendars", operationId: "createCalendar", summary: "Create a business calendar: time zone, working hours, holidays", tag: TAG,
    permission: "support-tickets:admin", body: newCalendarSchema, headers: [IDEMPOTENCY_KEY_HEADER], response: { status: 201, schema: calendarSchema, description: "The calendar as stored" },
    handler: async ({ body, identity, req, res }) => {
      const created = (await client.call(identity, "createCalendar", { calendar: supportTicketsV1.CalendarInput.fromPartial(body), requestId: idempotencyKeyOf(req, res) })).calendar;
      res.location(`/v1/calendars/${created?.id}`).setHeader("ETag", created?.etag ?? "");
      return toRestCalendar(created);
    },
  });
  api.route({
    method: "get", path: "/v1/calendars", operationId: "listCalendars", summary: "The tenant's business calendars", tag: TAG, permission: "support-tickets:read",
    response: { status: 200, schema: z.object({ data: z.array(calendarSchema), pageInfo: pageInfoSchema }), description: "Every calendar" },
    handler: async ({ identity }) => ({ data: (await client.call(identity, "listCalendars", {})).calendars.map(toRestCalendar), pageInfo: noPages }),
  });
  api.route({
    method: "get", path: "/v1/calendars/:id", operationId: "getCalendar", summary: "Get one business calendar", tag: TAG, permission: "support-tickets:read", params: idParams, response: calendar,
    handler: async ({ params, identity, res }) => {
      const found = (await client.call(identity, "getCalendar", { id: params.id })).calendar;
      res.setHeader("ETag", found?.etag ?? "");
      return toRestCalendar(found);
    },
  });
  api.route({
    method: "patch", path: "/v1/calendars/:id", operationId: "updateCalendar", summary: "Change a business calendar: the open tickets' deadlines are recalculated from their history", tag: TAG,
    permission: "support-tickets:admin", params: idParams, body: calendarPatchSchema, headers: [ifMatchHeader("calendar")], response: calendar,
    handler: async ({ params, body, identity, req, res }) => {
      const updated = (await client.call(identity, "updateCalendar", { id: params.id, calendar: supportTicketsV1.CalendarInput.fromPartial(body), updateMask: maskOf(body), etag: ifMatch(req.get("if-match")) })).calendar;
      res.setHeader("ETag", updated?.etag ?? "");
      return toRestCalendar(updated);
    },
  });

  api.route({
    method: "get", path: "/v1/support/metrics", operationId: "getSupportMetrics", summary: "First response and resolution times (business and calendar), backlog, breach and reopen rates, CSAT per agent, team and period", tag: TAG,
    permission: "support-tickets:read",
    query: z
      .object({
        from: z.iso.datetime({ offset: true }).optional().describe("Default: 30 days before `to`"),
        to: z.iso.datetime({ offset: true }).optional().describe("Default: now"),
        period: z.enum(["day", "week", "month"]).optional().describe("CSAT per period (default week)"),
      })
      .strict(),
    response: { status: 200, schema: metricsSchema, description: "The metrics of the range" },
    handler: async ({ query, identity }) => {
      const to = query.to ? new Date(query.to) : new Date();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * 24 * 3600_000);
      const metrics = await client.call(identity, "getSupportMetrics", { from, to, period: query.period ?? "week" });
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        created: Number(metrics.created),
        resolved: Number(metrics.resolved),
        firstResponse: durations(metrics.firstResponse),
        resolution: durations(metrics.resolution),
        backlog: metrics.backlog.map((row) => ({ status: row.status, priority: row.priority, count: Number(row.count) })),
        withSla: Number(metrics.withSla),
        breached: Number(metrics.breached),
        breachRate: metrics.breachRate,
        reopened: Number(metrics.reopened),
        reopenRate: metrics.reopenRate,
        csat: csat(metrics.csat),
        csatByAgent: metrics.csatByAgent.map(csat),
        csatByTeam: metrics.csatByTeam.map(csat),
        csatByPeriod: metrics.csatByPeriod.map(csat),
      };
    },
  });
}
