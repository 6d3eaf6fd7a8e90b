import { supportTicketsV1 } from "@crm/proto";
import { toEtag, ValidationError } from "@crm/kit";
import { statusOf, worstStatus } from "../domain/sla";
import type { Comment, HistoryEntry, Ticket, TicketDraft } from "../domain/ticket";

/** A ticket as the API shows it, its SLA clocks' states as of `now`. */
export function toProtoTicket(ticket: Ticket, now = new Date()): supportTicketsV1.Ticket {
  const clocks = ticket.sla.clocks.map((clock) => {
    const status = statusOf(clock, now);
    return {
      metric: clock.metric,
      status,
      targetMinutes: clock.targetMinutes,
      startTime: clock.startedAt,
      dueTime: clock.dueAt,
      warnTime: clock.warnAt,
      fulfillTime: clock.fulfilledAt,
      pausedRemainingMs: String(status === "paused" ? clock.targetMinutes * 60_000 - clock.elapsedMs : 0),
    };
  });
  return {
    id: ticket.id,
    name: "",
    subject: ticket.subject,
    description: ticket.description,
    channel: ticket.channel,
    priority: ticket.priority,
    category: ticket.category,
    status: ticket.status,
    requesterId: ticket.requesterId,
    requesterName: ticket.requesterName,
    assigneeId: ticket.assigneeId,
    team: ticket.team,
    tags: ticket.tags,
    organizationId: ticket.organizationId,
    organizationTier: ticket.organizationTier,
    dealId: ticket.dealId,
    productId: ticket.productId,
    sla: {
      policyId: ticket.sla.policyId,
      calendarId: ticket.sla.calendarId,
      state: worstStatus(clocks.map((clock) => clock.status)),
      clocks,
      breached: ticket.sla.breached,
    },
    firstResponseTime: ticket.firstResponseAt,
    resolveTime: ticket.resolvedAt,
    reopenCount: ticket.reopenCount,
    createTime: ticket.createdAt,
    updateTime: ticket.updatedAt,
    createdBy: ticket.createdBy,
    updatedBy: ticket.updatedBy,
    etag: toEtag(ticket.version),
  };
}

export function toTicketDraft(input: supportTicketsV1.TicketInput | undefined): TicketDraft {
  if (!input) throw ValidationError.field("ticket", "is required");
  const { name: _placeholder, requester, ...fields } = input;
  return { ...fields, requester: requester ? { ...requester } : undefined };
}

export function toProtoComment(ticketId: string, comment: Comment): supportTicketsV1.Comment {
  return { id: comment.id, ticketId, body: comment.body, public: comment.public, fromRequester: comment.fromRequester, authorId: comment.authorId, createTime: comment.createdAt };
}

export function toProtoHistory(entry: HistoryEntry): supportTicketsV1.HistoryEntry {
  return { time: entry.at, actor: entry.actor, kind: entry.kind, changes: entry.changes, note: entry.note };
}
