import { PermissionDeniedError } from "@crm/kit/edge";
import { z } from "zod";
import type { SupportTicketsClient } from "../clients/support-tickets";
import type { ApiRegistry } from "../http/api-registry";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from "../http/idempotency";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import { idParams, ifMatch, ifMatchHeader, maskOf, pageInfoSchema } from "./schemas";
import {
  commentInputSchema,
  commentSchema,
  feedbackInputSchema,
  feedbackSchema,
  historySchema,
  newTicketSchema,
  ticketPatchSchema,
  ticketSchema,
  toRestComment,
  toRestFeedback,
  toRestTicket,
  toTicketInput,
} from "./ticket-schemas";

const TAG = "Tickets";
const ticketParams = z.object({ id: idParams.shape.id });

/**
 * /v1/tickets: support requests with their workflow, SLA clocks (in business hours), public
 * replies and internal notes, history and CSAT feedback.
 */
export function registerTicketRoutes(api: ApiRegistry, client: SupportTicketsClient): void {
  const one = { status: 200, schema: ticketSchema, description: "The ticket, its SLA clocks as of now" };

  api.route({
    method: "post", path: "/v1/tickets", operationId: "createTicket", summary: "Open a ticket (an unknown requester e-mail or phone is matched or created in contacts)", tag: TAG,
    permission: "support-tickets:write", body: newTicketSchema, headers: [IDEMPOTENCY_KEY_HEADER],
    response: { status: 201, schema: ticketSchema, description: "The ticket as stored, under the SLA policy that applies" },
    handler: async ({ body, identity, req, res }) => {
      const { ticket } = await client.call(identity, "createTicket", { ticket: toTicketInput(body), requestId: idempotencyKeyOf(req, res) });
      res.location(`/v1/tickets/${ticket?.id}`).setHeader("ETag", ticket?.etag ?? "");
      return toRestTicket(ticket);
    },
  });

  api.route({
    method: "get", path: "/v1/tickets/:id", operationId: "getTicket", summary: "Get one ticket with its SLA state", tag: TAG, permission: "support-tickets:read",
    params: ticketParams, response: one,
    handler: async ({ params, identity, res }) => {
      const { ticket } = await client.call(identity, "getTicket", { id: params.id });
      res.setHeader("ETag", ticket?.etag ?? "");
      return toRestTicket(ticket);
    },
  });

  api.route({
    method: "patch", path: "/v1/tickets/:id", operationId: "updateTicket", summary: "Change the fields present in the body: status along the workflow, priority, assignee...", tag: TAG,
    permission: "support-tickets:write", params: ticketParams, body: ticketPatchSchema, headers: [ifMatchHeader("ticket")], response: one,
    handler: async ({ params, body, identity, req, res }) => {
      const { ticket } = await client.call(identity, "updateTicket", { id: params.id, ticket: toTicketInput(body), updateMask: maskOf(body), etag: ifMatch(req.get("if-match")) });
      res.setHeader("ETag", ticket?.etag ?? "");
      return toRestTicket(ticket);
    },
  });

  api.route({
    method: "get", path: "/v1/tickets", operationId: "listTickets",
    summary: "List tickets with filters (status, priority, open, assigneeId, team, requesterId, organizationId, tags, breached...), order and cursors; the queue is filter=open[eq]:true&orderBy=priorityRank[desc] or slaDueAt",
    tag: TAG, permission: "support-tickets:read", query: listQuerySchema,
    response: { status: 200, schema: z.object({ data: z.array(ticketSchema), pageInfo: pageInfoSchema }), description: "One page, newest first unless ordered otherwise" },
    handler: async ({ query, identity }) => {
      const response = await client.call(identity, "listTickets", toListRequest(query));
      return { data: response.tickets.map(toRestTicket), pageInfo: toPageInfo(response.pageInfo) };
    },
  });

  api.route({
    method: "post", path: "/v1/tickets/:id/comments", operationId: "addTicketComment", summary: "Add a public reply (the first is the first response) or an internal note", tag: TAG,
    permission: "support-tickets:write", params: ticketParams, body: commentInputSchema, headers: [IDEMPOTENCY_KEY_HEADER],
    response: { status: 201, schema: z.object({ comment: commentSchema, ticket: ticketSchema }), description: "The comment, and the ticket as it now is" },
    handler: async ({ params, body, identity, req, res }) => {
      const { comment, ticket } = await client.call(identity, "addComment", {
        ticketId: params.id, body: body.body, public: body.public ?? true, fromRequester: body.fromRequester ?? false, requestId: idempotencyKeyOf(req, res),
      });
      res.setHeader("ETag", ticket?.etag ?? "");
      return { comment: toRestComment(comment), ticket: toRestTicket(ticket) };
    },
  });

  api.route({
    method: "get", path: "/v1/tickets/:id/comments", operationId: "listTicketComments", summary: "The ticket's comments, oldest first", tag: TAG, permission: "support-tickets:read",
    params: ticketParams, query: z.object({ public: z.enum(["true", "false"]).optional().describe("true: public replies only") }).strict(),
    response: { status: 200, schema: z.object({ data: z.array(commentSchema) }), description: "Every comment" },
    handler: async ({ params, query, identity }) => {
      const { comments } = await client.call(identity, "listComments", { ticketId: params.id, publicOnly: query.public === "true" });
      return { data: comments.map(toRestComment) };
    },
  });

  api.route({
    method: "get", path: "/v1/tickets/:id/history", operationId: "getTicketHistory", summary: "Every change of the ticket, oldest first", tag: TAG, permission: "support-tickets:read",
    params: ticketParams, response: { status: 200, schema: z.object({ data: z.array(historySchema) }), description: "The history" },
    handler: async ({ params, identity }) => {
      const { entries } = await client.call(identity, "listTicketHistory", { ticketId: params.id });
      return { data: entries.map((entry) => ({ at: entry.time?.toISOString() ?? "", actor: entry.actor, kind: entry.kind, changes: entry.changes, note: entry.note })) };
    },
  });

  api.route({
    method: "post", path: "/v1/tickets/:id/feedback", operationId: "submitTicketFeedback", summary: "Record the requester's CSAT (1-5) of a resolved ticket: once per ticket (409 after)", tag: TAG,
    permission: "support-tickets:write", params: ticketParams, body: feedbackInputSchema, headers: [IDEMPOTENCY_KEY_HEADER],
    response: { status: 201, schema: feedbackSchema, description: "The feedback" },
    handler: async ({ params, body, identity }) => {
      const { feedback } = await client.call(identity, "submitFeedback", { ticketId: params.id, rating: body.rating, comment: body.comment ?? "", linkToken: "" });
      return toRestFeedback(feedback);
    },
  });

  api.route({
    method: "get", path: "/v1/tickets/:id/feedback", operationId: "getTicketFeedback", summary: "The ticket's CSAT feedback (404 while none)", tag: TAG, permission: "support-tickets:read",
    params: ticketParams, response: { status: 200, schema: feedbackSchema, description: "The feedback" },
    handler: async ({ params, identity }) => toRestFeedback((await client.call(identity, "getFeedback", { ticketId: params.id })).feedback),
  });

  api.route({
    method: "post", path: "/v1/tickets/:id/feedback-link", operationId: "createTicketFeedbackLink",
    summary: "A signed one-time link token for the requester's CSAT of a resolved ticket (POST /v1/public/feedback/{token}, no credential needed)", tag: TAG,
    permission: "support-tickets:write", params: ticketParams, headers: [IDEMPOTENCY_KEY_HEADER],
    response: { status: 201, schema: z.object({ token: z.string(), expiresAt: z.string() }), description: "The token and until when it works" },
    handler: async ({ params, identity }) => {
      const { token, expireTime } = await client.call(identity, "createFeedbackLink", { ticketId: params.id });
      return { token, expiresAt: expireTime?.toISOString() ?? "" };
    },
  });

  api.route({
    method: "post", path: "/v1/public/feedback/:token", operationId: "submitFeedbackByLink",
    summary: "The requester's CSAT (1-5) through a signed one-time link (POST /v1/tickets/{id}/feedback-link): no credential, works once", tag: TAG,
    permission: "support-tickets:write", authentication: "signature",
    params: z.object({ token: z.string().max(2_000).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "is not a feedback link's token") }),
    body: feedbackInputSchema,
    response: { status: 201, schema: z.object({ ticketId: z.string(), rating: z.number().int(), comment: z.string(), submittedAt: z.string() }), description: "Thank you: the feedback as recorded" },
    handler: async ({ params, body }) => {
      // The link names its tenant; the service checks the link's signature, tenant, ticket and expiry.
      const identity = { subject: "feedback-link", tenantId: tenantOfLink(params.token), roles: [], scopes: [] };
      const { feedback } = await client.call(identity, "submitFeedback", { ticketId: "", rating: body.rating, comment: body.comment ?? "", linkToken: params.token });
      const { ticketId, rating, comment, submittedAt } = toRestFeedback(feedback);
      return { ticketId, rating, comment, submittedAt };
    },
  });
}

/** The tenant a feedback link's token names (unverified: the service verifies the signature); 403 when it names none. */
function tenantOfLink(token: string): string {
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8")) as { t?: unknown };
    if (typeof claims.t === "string" && claims.t) return claims.t;
  } catch {
    // Not a link this API issued: refused below like any other.
  }
  throw new PermissionDeniedError("the feedback link is not valid or has expired");
}
