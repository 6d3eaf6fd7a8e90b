import { supportTicketsV1 } from "@crm/proto";
import { PermissionDeniedError, PreconditionFailedError, requireId, type ServiceRuntime } from "@crm/kit";
import { prepareFeedback, signFeedbackLink, verifyFeedbackLink, type Feedback } from "../domain/feedback";
import type { FeedbackRepository } from "../store/feedback-repository";
import type { TicketRepository } from "../store/ticket-repository";

export interface FeedbackDeps {
  tickets: TicketRepository;
  feedback: FeedbackRepository;
  /** The links' HMAC key (FEEDBACK_LINK_KEY, or derived from the identity key). */
  linkKey: string;
  linkTtlMs: number;
}

/** The subject of link-based submissions: the requester, through the link. */
const LINK_SUBMITTER = "feedback-link";

function toProtoFeedback(feedback: Feedback): supportTicketsV1.Feedback {
  const { ticketId, rating, comment, assigneeId, team, submittedAt, via, submittedBy } = feedback;
  return { ticketId, rating, comment, assigneeId, team, submitTime: submittedAt, via, submittedBy };
}

/**
 * CSAT: once per resolved ticket, given by an authenticated caller or through a signed one-time
 * link (the link's HMAC names the tenant and ticket; the one feedback a ticket takes makes it
 * work once). Submissions through a link may come with the link's identity only: the caller is
 * then trusted for nothing but the link it holds.
 */
export function feedbackHandlers(rpc: ServiceRuntime["rpc"], { tickets, feedback, linkKey, linkTtlMs }: FeedbackDeps) {
  return {
    submitFeedback: rpc("SubmitFeedback", async (request: supportTicketsV1.SubmitFeedbackRequest, { identity }) => {
      let ticketId = request.ticketId;
      let via: Feedback["via"] = "agent";
      if (request.linkToken) {
        const claims = verifyFeedbackLink(request.linkToken, linkKey, new Date());
        if (claims.tenantId !== identity.tenantId || (ticketId && ticketId !== claims.ticketId)) throw new PermissionDeniedError("the feedback link is not valid or has expired");
        ticketId = claims.ticketId;
        via = "link";
      } else {
        if (identity.subject === LINK_SUBMITTER) throw new PermissionDeniedError("a feedback link's holder gives feedback through the link only");
        requireId(ticketId, "ticketId");
      }
      const ticket = await tickets.get(identity.tenantId, ticketId);
      const { rating, comment } = prepareFeedback(ticket, { rating: request.rating, comment: request.comment });
      const stored = await feedback.submit({
        tenantId: identity.tenantId,
        ticketId,
        rating,
        comment,
        requesterId: ticket.requesterId,
        assigneeId: ticket.assigneeId,
        team: ticket.team,
        submittedAt: new Date(),
        via,
        submittedBy: via === "link" ? `contact:${ticket.requesterId}` : identity.subject,
      });
      return { feedback: toProtoFeedback(stored) };
    }),

    createFeedbackLink: rpc("CreateFeedbackLink", async (request: supportTicketsV1.CreateFeedbackLinkRequest, { identity }) => {
      requireId(request.ticketId, "ticketId");
      const ticket = await tickets.get(identity.tenantId, request.ticketId);
      if (ticket.status !== "resolved" && ticket.status !== "closed") throw new PreconditionFailedError("a feedback link is made once the ticket is resolved");
      const expiresAt = new Date(Math.floor((Date.now() + linkTtlMs) / 1000) * 1000);
      return { token: signFeedbackLink({ tenantId: identity.tenantId, ticketId: ticket.id, expiresAt }, linkKey), expireTime: expiresAt };
    }),

    getFeedback: rpc("GetFeedback", async (request: supportTicketsV1.GetFeedbackRequest, { identity }) => {
      requireId(request.ticketId, "ticketId");
      return { feedback: toProtoFeedback(await feedback.get(identity.tenantId, request.ticketId)) };
    }),
  };
}

