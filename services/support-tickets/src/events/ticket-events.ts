import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta, type OutboxEvent } from "@crm/kit";
import type { Announcement } from "../domain/escalation";
import type { Feedback } from "../domain/feedback";
import type { Comment, Ticket } from "../domain/ticket";
import { isDone } from "../domain/vocabulary";
import { FEEDBACK_EVENTS, TICKET_EVENTS } from "./subjects";

/** The ids and the subject line consumers link and show; never the description or comments. */
const described = (ticket: Ticket) => ({ ticketId: ticket.id, subject: ticket.subject, requesterId: ticket.requesterId, organizationId: ticket.organizationId });

/** ticket.opened: the timeline shows it; marketing counts a contact's tickets from it. */
export function ticketOpened(ticket: Ticket): OutboxEvent {
  return outboxEventWithMeta(
    TICKET_EVENTS.opened,
    ticket.tenantId,
    ticket.createdBy,
    ticket.createdAt,
    (meta) => ({ meta, ...described(ticket), priority: ticket.priority, channel: ticket.channel, category: ticket.category, assigneeId: ticket.assigneeId, team: ticket.team }),
    eventsV1.TicketOpened,
  );
}

/** What a status change announces: ticket.status_changed, and ticket.resolved when it was just resolved. */
export function statusEvents(before: Ticket, after: Ticket): OutboxEvent[] {
  if (before.status === after.status) return [];
  const at = after.updatedAt;
  const changed = outboxEventWithMeta(
    TICKET_EVENTS.statusChanged,
    after.tenantId,
    after.updatedBy,
    at,
    (meta) => ({ meta, ...described(after), fromStatus: before.status, toStatus: after.status }),
    eventsV1.TicketStatusChanged,
  );
  if (after.status !== "resolved" || isDone(before.status)) return [changed];
  const resolved = outboxEventWithMeta(
    TICKET_EVENTS.resolved,
    after.tenantId,
    after.updatedBy,
    at,
    (meta) => ({ meta, ...described(after), assigneeId: after.assigneeId, team: after.team, slaBreached: after.sla.breached }),
    eventsV1.TicketResolved,
  );
  return [changed, resolved];
}

/** ticket.replied: a public reply, a customer's message or an internal note, without its text. */
export function ticketReplied(ticket: Ticket, comment: Comment): OutboxEvent {
  return outboxEventWithMeta(
    TICKET_EVENTS.replied,
    ticket.tenantId,
    comment.authorId,
    comment.createdAt,
    (meta) => ({ meta, ...described(ticket), commentId: comment.id, public: comment.public, fromRequester: comment.fromRequester, authorId: comment.authorId }),
    eventsV1.TicketReplied,
  );
}

/** ticket.sla_warning or ticket.sla_breached, announced once per clock by the scheduler, with what escalation did. */
export function slaAlert(ticket: Ticket, { alert, escalation }: Announcement, at: Date): OutboxEvent {
  return outboxEventWithMeta(
    alert.kind === "breach" ? TICKET_EVENTS.slaBreached : TICKET_EVENTS.slaWarning,
    ticket.tenantId,
    "service:support-tickets",
    at,
    (meta) => ({
      meta,
      ...described(ticket),
      metric: alert.metric,
      dueTime: alert.kind === "breach" ? alert.at : ticket.sla.clocks.find((clock) => clock.metric === alert.metric)?.dueAt,
      priority: ticket.priority,
      assigneeId: ticket.assigneeId,
      team: ticket.team,
      policyId: ticket.sla.policyId,
      escalation,
    }),
    eventsV1.TicketSlaAlert,
  );
}

/** feedback.received: the rating, for whoever follows satisfaction; the comment stays here. */
export function feedbackReceived(feedback: Feedback): OutboxEvent {
  return outboxEventWithMeta(
    FEEDBACK_EVENTS.received,
    feedback.tenantId,
    feedback.submittedBy,
    feedback.submittedAt,
    (meta) => ({ meta, ticketId: feedback.ticketId, requesterId: feedback.requesterId, rating: feedback.rating, assigneeId: feedback.assigneeId, team: feedback.team }),
    eventsV1.FeedbackReceived,
  );
}
