import { supportTicketsV1 } from "@crm/proto";
import { PreconditionFailedError, ValidationError, requireId, uuidv7, type Identity, type ServiceRuntime } from "@crm/kit";
import { changeTicket, commentOn, openTicket, prepareComment, withSla } from "../domain/lifecycle";
import { checkRequester, checkTicketFields, prepareNewTicket, type Ticket } from "../domain/ticket";
import { statusEvents, ticketOpened, ticketReplied } from "../events/ticket-events";
import type { SlaSettingsReader } from "../store/sla-settings";
import type { TicketRepository } from "../store/ticket-repository";
import { maskPaths, versionOf } from "./field-mask";
import type { RequesterDirectory } from "./requester-directory";
import { toProtoComment, toProtoHistory, toProtoTicket, toTicketDraft } from "./ticket-mapping";

export interface TicketDeps {
  tickets: TicketRepository;
  settings: SlaSettingsReader;
  requesters: RequesterDirectory;
  /** Tells the SLA scheduler when the ticket's next alert is due. */
  watch: (ticket: Ticket) => void;
}

/** TicketInput fields an update may name. */
const UPDATABLE = ["subject", "description", "channel", "priority", "category", "status", "requester", "assigneeId", "team", "tags", "organizationId", "organizationTier", "dealId", "productId"] as const;
/** Comments added at once to one ticket collide on its version: the loser tries again, this many times. */
const COMMENT_ATTEMPTS = 3;

/** Tickets: proto in, checked and standardised, the workflow and SLA applied, stored with their events, proto out. */
export function ticketHandlers(rpc: ServiceRuntime["rpc"], deps: TicketDeps): Pick<supportTicketsV1.SupportTicketsServiceServer, "createTicket" | "getTicket" | "listTickets" | "updateTicket" | "addComment" | "listComments" | "listTicketHistory"> {
  const { tickets, settings, requesters, watch } = deps;
  const actorOf = (identity: Identity) => identity.subject;

  return {
    createTicket: rpc("CreateTicket", async (request: supportTicketsV1.CreateTicketRequest, { identity }) => {
      const { fields, requester } = prepareNewTicket(toTicketDraft(request.ticket));
      const id = uuidv7();
      const requesterFields = await requesters.resolve(identity.tenantId, requester, request.requestId || id);
      // Opened once its requester is known (a contact made for it came first).
      const now = new Date();
      const opened = withSla(openTicket({ id, tenantId: identity.tenantId, actor: actorOf(identity), now }, fields, requesterFields), await settings.of(identity.tenantId), now);
      const stored = await tickets.create(opened, [ticketOpened(opened)], request.requestId);
      watch(stored);
      return { ticket: toProtoTicket(stored) };
    }),

    getTicket: rpc("GetTicket", async (request: supportTicketsV1.GetTicketRequest, { identity }) => {
      requireId(request.id, "id");
      return { ticket: toProtoTicket(await tickets.get(identity.tenantId, request.id)) };
    }),

    listTickets: rpc("ListTickets", async (request: supportTicketsV1.ListTicketsRequest, { identity }) => {
      const { items, pageInfo } = await tickets.list(identity.tenantId, request);
      const now = new Date();
      return { tickets: items.map((ticket) => toProtoTicket(ticket, now)), pageInfo };
    }),

    updateTicket: rpc("UpdateTicket", async (request: supportTicketsV1.UpdateTicketRequest, { identity }) => {
      requireId(request.id, "id");
      const paths = maskPaths(request.updateMask, UPDATABLE);
      const draft = toTicketDraft(request.ticket);
      const { fields, violations } = checkTicketFields(draft, (field) => paths.includes(field));
      const checked = paths.includes("requester") ? checkRequester(draft.requester) : undefined;
      violations.push(...(checked?.violations ?? []));
      if (violations.length > 0) throw new ValidationError(violations);
      const expected = versionOf(request.etag);
      const current = await tickets.get(identity.tenantId, request.id);
      if (expected !== undefined && expected !== current.version) throw new PreconditionFailedError(`ticket ${current.id} changed since it was read (etag W/"${current.version}"); read it again`);
      const now = new Date();
      const requester = checked ? await requesters.resolve(identity.tenantId, checked.requester, `${current.id}:${current.version}`) : undefined;
      const changed = changeTicket(current, fields, requester, actorOf(identity), now);
      if (changed === current) return { ticket: toProtoTicket(current) };
      const next = withSla(changed, await settings.of(identity.tenantId), now);
      const saved = await tickets.save(current, next, statusEvents(current, next));
      watch(saved);
      return { ticket: toProtoTicket(saved) };
    }),

    addComment: rpc("AddComment", async (request: supportTicketsV1.AddCommentRequest, { identity }) => {
      requireId(request.ticketId, "ticketId");
      const input = prepareComment(request);
      for (let attempt = 1; ; attempt++) {
        const current = await tickets.get(identity.tenantId, request.ticketId);
        const repeated = request.requestId ? current.comments.find((comment) => comment.requestKey === request.requestId) : undefined;
        if (repeated) return { comment: toProtoComment(current.id, repeated), ticket: toProtoTicket(current) };
        const now = new Date();
        const comment = { ...input, id: uuidv7(now.getTime()), authorId: actorOf(identity), requestKey: request.requestId };
        const next = withSla(commentOn(current, comment, now), await settings.of(identity.tenantId), now);
        const added = next.comments.at(-1)!;
        try {
          const saved = await tickets.save(current, next, [ticketReplied(next, added), ...statusEvents(current, next)]);
          watch(saved);
          return { comment: toProtoComment(saved.id, added), ticket: toProtoTicket(saved) };
        } catch (error) {
          if (!(error instanceof PreconditionFailedError) || attempt >= COMMENT_ATTEMPTS) throw error;
        }
      }
    }),

    listComments: rpc("ListComments", async (request: supportTicketsV1.ListCommentsRequest, { identity }) => {
      requireId(request.ticketId, "ticketId");
      const ticket = await tickets.get(identity.tenantId, request.ticketId);
      const comments = ticket.comments.filter((comment) => comment.public || !request.publicOnly);
      return { comments: comments.map((comment) => toProtoComment(ticket.id, comment)) };
    }),

    listTicketHistory: rpc("ListTicketHistory", async (request: supportTicketsV1.ListTicketHistoryRequest, { identity }) => {
      requireId(request.ticketId, "ticketId");
      const ticket = await tickets.get(identity.tenantId, request.ticketId);
      return { entries: ticket.history.map(toProtoHistory) };
    }),
  };
}
