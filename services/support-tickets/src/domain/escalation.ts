import { appendHistory, withSla, type SlaSettings } from "./lifecycle";
import { alertKey, pendingAlerts, type SlaAlert } from "./sla";
import type { EscalationRule } from "./sla-policy";
import { ownerOf, type Ticket } from "./ticket";
import { PRIORITIES, priorityRank } from "./vocabulary";

/** What the escalation rules did for one alert. */
export interface EscalationOutcome {
  priorityFrom: string;
  priorityTo: string;
  assigneeId: string;
  team: string;
  notify: string[];
}

/** The rules of the ticket's policy that react to this alert, applied in order (the last re-assignment wins). */
export function escalationFor(rules: EscalationRule[], alert: Pick<SlaAlert, "kind" | "metric">, priority: string): EscalationOutcome {
  const matching = rules.filter((rule) => rule.on === alert.kind && (rule.metrics.length === 0 || rule.metrics.includes(alert.metric)));
  const raise = matching.some((rule) => rule.raisePriority);
  const rank = priorityRank(priority as (typeof PRIORITIES)[number]);
  const priorityTo = raise ? PRIORITIES[Math.min(rank + 1, PRIORITIES.length - 1)]! : priority;
  return {
    priorityFrom: priority,
    priorityTo,
    assigneeId: matching.reduce((chosen, rule) => rule.assigneeId || chosen, ""),
    team: matching.reduce((chosen, rule) => rule.team || chosen, ""),
    notify: [...new Set(matching.flatMap((rule) => rule.notify))],
  };
}

/** One alert announced, with what escalation did. */
export interface Announcement {
  alert: SlaAlert;
  escalation: EscalationOutcome;
}

/**
 * The alerts of a ticket due by `now`, announced: each marked so it is never announced again, its
 * escalation applied (priority raised, re-assigned) and the SLA computed again for the changes.
 * Returns the ticket unchanged and no announcements when nothing is due.
 */
export function announceDue(ticket: Ticket, settings: SlaSettings, now: Date): { ticket: Ticket; announcements: Announcement[] } {
  const due = pendingAlerts(ticket.sla.clocks, ticket.sla.announced, now).filter((alert) => +alert.at <= +now);
  if (due.length === 0) return { ticket, announcements: [] };
  const policy = settings.policies.find((candidate) => candidate.id === ticket.sla.policyId);
  let next: Ticket = ticket;
  const announcements: Announcement[] = [];
  for (const alert of due) {
    const escalation = escalationFor(policy?.escalations ?? [], alert, next.priority);
    const changed = {
      priority: escalation.priorityTo as Ticket["priority"],
      assigneeId: escalation.assigneeId || next.assigneeId,
      team: escalation.team || next.team,
    };
    const changes = (["priority", "assigneeId", "team"] as const).flatMap((field) => (next[field] === changed[field] ? [] : [{ field, from: next[field], to: changed[field] }]));
    const kind = alert.kind === "breach" ? "sla_breached" : "sla_warning";
    next = {
      ...next,
      ...changed,
      ownerId: ownerOf(changed, next.createdBy),
      sla: { ...next.sla, announced: [...next.sla.announced, alertKey(alert)], breached: next.sla.breached || alert.kind === "breach" },
    };
    next = appendHistory(next, { at: now, actor: "service:support-tickets", kind, changes, note: alert.kind === "breach" ? `${alert.metric} target ran out at ${alert.at.toISOString()}` : `${alert.metric} at risk since ${alert.at.toISOString()}` });
    announcements.push({ alert, escalation });
  }
  next = withSla({ ...next, updatedAt: now, updatedBy: "service:support-tickets", version: ticket.version + 1 }, settings, now);
  return { ticket: next, announcements };
}
