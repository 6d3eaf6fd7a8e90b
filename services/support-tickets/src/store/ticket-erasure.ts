import type { ErasureCounts, ErasureRequest, SubjectExport, SubjectExportRequest } from "@crm/kit";
import { anonymiseTicket, requestedBy, type ErasureSubject } from "../domain/erasure";
import { appendHistory } from "../domain/lifecycle";
import type { FeedbackRepository } from "./feedback-repository";
import type { TicketRepository } from "./ticket-repository";

/**
 * This service's part of the erasure saga (the kit's ErasureSaga keeps the receipt and confirms)
 * and of access exports. A subject's tickets lose the requester's details and the requester's own
 * messages; every ticket's free text loses the subject's e-mails, phones and names; feedback they
 * gave loses its comment. Timing, status and SLA clocks stay for metrics. Safe to run again:
 * what is done is not found twice. Counts: erased 0 (tickets stay), anonymised = tickets changed.
 */
export class TicketErasure {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly feedback: FeedbackRepository,
  ) {}

  async erase(request: ErasureRequest): Promise<ErasureCounts & { recordIds: string[] }> {
    const subject = await this.subjectOf(request);
    const recordIds: string[] = [];
    for (const ticket of await this.tickets.naming(request.tenantId, subject)) {
      const anonymised = anonymiseTicket(ticket, subject);
      if (!anonymised) continue;
      const now = new Date();
      const next = appendHistory({ ...anonymised, updatedAt: now, updatedBy: "service:support-tickets", version: ticket.version + 1 }, { at: now, actor: "service:support-tickets", kind: "anonymised", changes: [], note: `erasure request ${request.requestId}` });
      await this.tickets.save(ticket, next, []);
      recordIds.push(ticket.id);
    }
    const theirs = await this.feedback.ofRequesters(request.tenantId, subject.contactIds);
    await this.feedback.anonymise(request.tenantId, [...new Set([...theirs.map((feedback) => feedback.ticketId)])]);
    return { erased: 0, anonymised: recordIds.length, recordIds };
  }

  /** The subject's tickets as they see them: no internal notes, no other people's details. */
  async export(request: SubjectExportRequest): Promise<SubjectExport> {
    const subject = await this.subjectOf(request);
    const tickets = (await this.tickets.naming(request.tenantId, { ...subject, names: [] })).filter((ticket) => requestedBy(ticket, subject));
    const feedback = await this.feedback.ofRequesters(request.tenantId, subject.contactIds);
    const data = {
      tickets: tickets.map((ticket) => ({
        id: ticket.id,
        subject: ticket.subject,
        description: ticket.description,
        status: ticket.status,
        channel: ticket.channel,
        createdAt: ticket.createdAt,
        resolvedAt: ticket.resolvedAt ?? null,
        requester: { name: ticket.requesterName, email: ticket.requesterEmail, phone: ticket.requesterPhone },
        messages: ticket.comments.filter((comment) => comment.public).map((comment) => ({ at: comment.createdAt, fromYou: comment.fromRequester, body: comment.body })),
      })),
      feedback: feedback.map(({ ticketId, rating, comment, submittedAt }) => ({ ticketId, rating, comment, submittedAt })),
    };
    return { data, records: tickets.length + feedback.length };
  }

  /** Who the request is about, with the names its tickets knew the requester by. */
  private async subjectOf(request: { tenantId: string; contactId: string; emails: string[]; phones: string[] }): Promise<ErasureSubject> {
    const base: ErasureSubject = { contactIds: request.contactId ? [request.contactId] : [], emails: request.emails, phones: request.phones, names: [] };
    const theirs = (await this.tickets.naming(request.tenantId, base)).filter((ticket) => requestedBy(ticket, base));
    const names = [...new Set(theirs.map((ticket) => ticket.requesterName).filter((name) => name.length >= 3))];
    const contactIds = [...new Set([...base.contactIds, ...theirs.map((ticket) => ticket.requesterId).filter(Boolean)])];
    return { ...base, contactIds, names };
  }
}
