import { supportTicketsV1 } from "@crm/proto";
import { z } from "zod";
import { idSchema } from "./schemas";

const text = (max = 200) => z.string().max(max);
const time = z.string().describe("ISO 8601");
const nullableTime = time.nullable();
const STATUSES = ["new", "open", "pending_customer", "on_hold", "resolved", "closed", "reopened"] as const;
const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
const CHANNELS = ["email", "phone", "web", "chat"] as const;
const METRICS = ["first_response", "next_update", "resolution"] as const;
const iso = (date: Date | undefined) => date?.toISOString() ?? null;

const requesterSchema = z
  .object({
    contactId: idSchema.optional().describe("A contact of the tenant"),
    email: text(254).optional().describe("Matched to a contact by contacts' duplicate check, or a new contact"),
    phone: text(40).optional(),
    name: text().optional().describe("The new contact's name, when one is created"),
  })
  .strict()
  .refine((requester) => Boolean(requester.contactId || requester.email || requester.phone), { message: "needs a contactId, an email or a phone" })
  .describe("Who asked: a contact, or an e-mail or phone that contacts matches or creates a contact for");

const ticketFields = {
  description: text(50_000).optional(),
  channel: z.enum(CHANNELS).optional().describe("Defaults to web"),
  priority: z.enum(PRIORITIES).optional().describe("Defaults to normal"),
  category: text(100).optional(),
  assigneeId: text(100).optional(),
  team: text(100).optional(),
  tags: z.array(text(50)).max(20).optional(),
  organizationId: idSchema.optional(),
  organizationTier: text(100).optional().describe("The organisation's tier (gold, silver...), which SLA policies may select on"),
  dealId: idSchema.optional(),
  productId: text(100).optional(),
};

export const newTicketSchema = z
  .object({
    subject: text(300).regex(/\S/, "is required"),
    ...ticketFields,
    status: z.enum(["new", "open"]).optional().describe("Defaults to new"),
    requester: requesterSchema,
  })
  .strict();

export const ticketPatchSchema = z
  .object({
    subject: text(300).regex(/\S/, "is required").optional(),
    ...ticketFields,
    status: z.enum(STATUSES).optional().describe("Along the workflow: new -> open, pending_customer, on_hold -> resolved -> closed (or reopened); 412 for a transition it does not allow"),
    requester: requesterSchema.optional(),
  })
  .strict();

const clockSchema = z.object({
  metric: z.enum(METRICS),
  status: z.enum(["on_track", "at_risk", "breached", "paused", "met"]),
  targetMinutes: z.number().int().describe("In business minutes of the policy's calendar"),
  startedAt: time,
  dueAt: nullableTime.describe("Null while the clock is stopped (paused or met)"),
  warnAt: nullableTime,
  fulfilledAt: nullableTime,
  pausedRemainingMs: z.number().int().nullable().describe("Business time left while paused (negative: overdue)"),
});

export const slaSchema = z.object({
  policyId: z.string().nullable(),
  calendarId: z.string().nullable(),
  state: z.enum(["on_track", "at_risk", "breached", "paused", "met", "none"]).describe("The worst clock's status"),
  breached: z.boolean().describe("Ever breached, any metric"),
  clocks: z.array(clockSchema),
});

export const ticketSchema = z.object({
  id: z.string(),
  subject: z.string(),
  description: z.string(),
  channel: z.string(),
  priority: z.string(),
  category: z.string(),
  status: z.string(),
  requesterId: z.string().describe("Empty once the requester was erased"),
  requesterName: z.string(),
  assigneeId: z.string(),
  team: z.string(),
  tags: z.array(z.string()),
  organizationId: z.string().nullable(),
  organizationTier: z.string(),
  dealId: z.string().nullable(),
  productId: z.string().nullable(),
  sla: slaSchema,
  firstResponseAt: nullableTime,
  resolvedAt: nullableTime,
  reopenCount: z.number().int(),
  createdAt: time,
  updatedAt: time,
  createdBy: z.string(),
  updatedBy: z.string(),
});

export function toRestSla(sla: supportTicketsV1.TicketSla | undefined): z.output<typeof slaSchema> {
  return {
    policyId: sla?.policyId || null,
    calendarId: sla?.calendarId || null,
    state: (sla?.state || "none") as z.output<typeof slaSchema>["state"],
    breached: sla?.breached ?? false,
    clocks: (sla?.clocks ?? []).map((clock) => ({
      metric: clock.metric as (typeof METRICS)[number],
      status: clock.status as z.output<typeof clockSchema>["status"],
      targetMinutes: clock.targetMinutes,
      startedAt: clock.startTime?.toISOString() ?? "",
      dueAt: iso(clock.dueTime),
      warnAt: iso(clock.warnTime),
      fulfilledAt: iso(clock.fulfillTime),
      pausedRemainingMs: clock.status === "paused" ? Number(clock.pausedRemainingMs) : null,
    })),
  };
}

export function toRestTicket(ticket: supportTicketsV1.Ticket | undefined): z.output<typeof ticketSchema> {
  if (!ticket) throw new Error("the support-tickets service answered without a ticket");
  return {
    id: ticket.id,
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
    organizationId: ticket.organizationId || null,
    organizationTier: ticket.organizationTier,
    dealId: ticket.dealId || null,
    productId: ticket.productId || null,
    sla: toRestSla(ticket.sla),
    firstResponseAt: iso(ticket.firstResponseTime),
    resolvedAt: iso(ticket.resolveTime),
    reopenCount: ticket.reopenCount,
    createdAt: ticket.createTime?.toISOString() ?? "",
    updatedAt: ticket.updateTime?.toISOString() ?? "",
    createdBy: ticket.createdBy,
    updatedBy: ticket.updatedBy,
  };
}

type TicketBody = z.output<typeof newTicketSchema> | z.output<typeof ticketPatchSchema>;

export function toTicketInput(body: TicketBody): supportTicketsV1.TicketInput {
  const { requester, ...fields } = body;
  return supportTicketsV1.TicketInput.fromPartial({ ...fields, ...(requester ? { requester: { contactId: "", email: "", phone: "", name: "", ...requester } } : {}) });
}

export const commentInputSchema = z
  .object({
    body: text(50_000).regex(/\S/, "is required"),
    public: z.boolean().optional().describe("A public reply the requester sees (default), or false for an internal note"),
    fromRequester: z.boolean().optional().describe("A message from the requester (e-mail or portal integrations): always public"),
  })
  .strict();

export const commentSchema = z.object({ id: z.string(), body: z.string(), public: z.boolean(), fromRequester: z.boolean(), authorId: z.string(), createdAt: time });

export function toRestComment(comment: supportTicketsV1.Comment | undefined): z.output<typeof commentSchema> {
  if (!comment) throw new Error("the support-tickets service answered without a comment");
  return { id: comment.id, body: comment.body, public: comment.public, fromRequester: comment.fromRequester, authorId: comment.authorId, createdAt: comment.createTime?.toISOString() ?? "" };
}

export const historySchema = z.object({
  at: time,
  actor: z.string(),
  kind: z.string().describe("created, changed, commented, sla_warning, sla_breached, anonymised"),
  changes: z.array(z.object({ field: z.string(), from: z.string(), to: z.string() })),
  note: z.string(),
});

export const feedbackInputSchema = z.object({ rating: z.number().int().min(1).max(5), comment: text(5_000).optional() }).strict();

export const feedbackSchema = z.object({
  ticketId: z.string(),
  rating: z.number().int(),
  comment: z.string(),
  assigneeId: z.string(),
  team: z.string(),
  submittedAt: time,
  via: z.enum(["agent", "link"]),
  submittedBy: z.string(),
});

export function toRestFeedback(feedback: supportTicketsV1.Feedback | undefined): z.output<typeof feedbackSchema> {
  if (!feedback) throw new Error("the support-tickets service answered without feedback");
  const { submitTime, ...rest } = feedback;
  return { ...rest, via: rest.via as "agent" | "link", submittedAt: submitTime?.toISOString() ?? "" };
}

export { CHANNELS, METRICS, PRIORITIES, STATUSES };
