import { ValidationError, type FieldViolation, type RecordAudit } from "@crm/kit";
import { CHANNELS, PRIORITIES, SLA_METRICS, STATUSES, isDone, isOneOf, type Priority, type SlaMetric, type Status } from "./vocabulary";

/** Targets of one priority, in business minutes; 0 means no target for that metric. */
export interface SlaTargets {
  firstResponseMinutes: number;
  nextUpdateMinutes: number;
  resolutionMinutes: number;
}

/** Which tickets a policy applies to: each list empty means any value. */
export interface SlaConditions {
  priorities: string[];
  categories: string[];
  organizationTiers: string[];
  channels: string[];
}

/** What an escalation rule does when a ticket's SLA is at risk or breached. */
export interface EscalationRule {
  on: "warning" | "breach";
  /** The metrics it reacts to; empty: any. */
  metrics: SlaMetric[];
  /** Raise the ticket's priority one step (urgent stays urgent). */
  raisePriority: boolean;
  /** Re-assign to this agent and/or team (empty: unchanged). */
  assigneeId: string;
  team: string;
  /** Users or teams told in the announcement. */
  notify: string[];
}

export interface SlaPolicyFields {
  name: string;
  /** Policies are tried in this order (lowest first); the first whose conditions hold applies. */
  position: number;
  enabled: boolean;
  conditions: SlaConditions;
  /** The business calendar the targets count in; empty: around the clock. */
  calendarId: string;
  targets: Record<Priority, SlaTargets>;
  /** Statuses in which the clocks stop (pending_customer and on_hold by default). */
  pauseStatuses: Status[];
  /** Share of a target used at which a ticket is at risk and announced (ticket.sla_warning). */
  warnAtPercent: number;
  escalations: EscalationRule[];
}

export interface SlaPolicy extends SlaPolicyFields, RecordAudit {
  id: string;
  tenantId: string;
}

/** What a client writes; missing parts take the defaults. */
export type SlaPolicyDraft = Partial<Omit<SlaPolicyFields, "conditions" | "targets">> & {
  conditions?: Partial<SlaConditions>;
  targets?: Partial<Record<string, Partial<SlaTargets>>>;
};

/** A year of minutes: the longest target. */
const MAX_TARGET_MINUTES = 365 * 24 * 60;
const MAX_LIST = 50;
const MAX_NAME = 200;

const NO_TARGETS: SlaTargets = { firstResponseMinutes: 0, nextUpdateMinutes: 0, resolutionMinutes: 0 };

/** A policy's fields from a draft: trimmed, defaulted, every problem reported at once. */
export function prepareSlaPolicy(draft: SlaPolicyDraft, prefix = "policy"): SlaPolicyFields {
  const violations: FieldViolation[] = [];
  const fail = (field: string, description: string) => violations.push({ field: `${prefix}.${field}`, description });
  const name = (draft.name ?? "").trim().replace(/\s+/g, " ");
  if (!name) fail("name", "is required");
  if (name.length > MAX_NAME) fail("name", `must be at most ${MAX_NAME} characters`);
  const position = draft.position ?? 0;
  if (!Number.isInteger(position) || position < 0 || position > 1_000_000) fail("position", "must be an integer from 0 to 1000000");
  const warnAtPercent = draft.warnAtPercent || 80;
  if (!Number.isInteger(warnAtPercent) || warnAtPercent < 1 || warnAtPercent > 99) fail("warnAtPercent", "must be an integer from 1 to 99");

  const list = (field: string, values: string[] | undefined, allowed?: readonly string[]) => {
    const cleaned = [...new Set((values ?? []).map((value) => value.trim()).filter(Boolean))];
    if (cleaned.length > MAX_LIST) fail(field, `takes at most ${MAX_LIST} values`);
    for (const value of cleaned) if (allowed && !allowed.includes(value)) fail(field, `"${value}" is not one of ${allowed.join(", ")}`);
    return cleaned;
  };
  const conditions: SlaConditions = {
    priorities: list("conditions.priorities", draft.conditions?.priorities, PRIORITIES),
    categories: list("conditions.categories", draft.conditions?.categories),
    organizationTiers: list("conditions.organizationTiers", draft.conditions?.organizationTiers),
    channels: list("conditions.channels", draft.conditions?.channels, CHANNELS),
  };
  const pauseStatuses = list("pauseStatuses", draft.pauseStatuses ?? ["pending_customer", "on_hold"], STATUSES) as Status[];
  for (const status of pauseStatuses) if (isDone(status) || status === "new") fail("pauseStatuses", `"${status}" cannot pause a clock (only open statuses can)`);

  const targets = {} as Record<Priority, SlaTargets>;
  for (const key of Object.keys(draft.targets ?? {})) if (!isOneOf(PRIORITIES, key)) fail(`targets.${key}`, `is not a priority (${PRIORITIES.join(", ")})`);
  for (const priority of PRIORITIES) {
    const given = draft.targets?.[priority] ?? {};
    const target = { ...NO_TARGETS, ...given };
    for (const [metric, minutes] of Object.entries(target)) {
      if (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_TARGET_MINUTES) fail(`targets.${priority}.${metric}`, `must be a whole number of minutes from 0 (none) to ${MAX_TARGET_MINUTES}`);
    }
    targets[priority] = target;
  }
  if (PRIORITIES.every((priority) => Object.values(targets[priority]).every((minutes) => minutes === 0))) fail("targets", "must set at least one target");

  const escalations = (draft.escalations ?? []).map((rule, index) => {
    const field = `escalations[${index}]`;
    if (rule.on !== "warning" && rule.on !== "breach") fail(`${field}.on`, "must be warning or breach");
    const metrics = list(`${field}.metrics`, rule.metrics, SLA_METRICS) as SlaMetric[];
    const notify = list(`${field}.notify`, rule.notify);
    const assigneeId = (rule.assigneeId ?? "").trim();
    const team = (rule.team ?? "").trim();
    if (assigneeId.length > 100) fail(`${field}.assigneeId`, "must be at most 100 characters");
    if (team.length > 100) fail(`${field}.team`, "must be at most 100 characters");
    if (!rule.raisePriority && !assigneeId && !team && notify.length === 0) fail(field, "does nothing: raise the priority, re-assign or notify someone");
    return { on: rule.on, metrics, raisePriority: Boolean(rule.raisePriority), assigneeId, team, notify };
  });
  if (escalations.length > 20) fail("escalations", "takes at most 20 rules");
  const calendarId = (draft.calendarId ?? "").trim();

  if (violations.length > 0) throw new ValidationError(violations);
  return { name, position, enabled: draft.enabled ?? true, conditions, calendarId, targets, pauseStatuses, warnAtPercent, escalations };
}

/** What a policy's conditions look at. */
export interface PolicySubject {
  priority: string;
  category: string;
  organizationTier: string;
  channel: string;
}

const holds = (allowed: string[], value: string) => allowed.length === 0 || allowed.includes(value);

/** The policy that applies to a ticket: the first enabled one, by position then id, whose conditions all hold. */
export function choosePolicy<P extends Pick<SlaPolicyFields, "enabled" | "position" | "conditions"> & { id: string }>(policies: P[], ticket: PolicySubject): P | undefined {
  return [...policies]
    .sort((a, b) => a.position - b.position || a.id.localeCompare(b.id))
    .find(({ enabled, conditions: c }) =>
      enabled && holds(c.priorities, ticket.priority) && holds(c.categories, ticket.category) && holds(c.organizationTiers, ticket.organizationTier) && holds(c.channels, ticket.channel),
    );
}

/** A metric's target in minutes for a priority (0: none). */
export function targetMinutes(policy: Pick<SlaPolicyFields, "targets">, priority: Priority, metric: SlaMetric): number {
  const targets = policy.targets[priority];
  return metric === "first_response" ? targets.firstResponseMinutes : metric === "next_update" ? targets.nextUpdateMinutes : targets.resolutionMinutes;
}
