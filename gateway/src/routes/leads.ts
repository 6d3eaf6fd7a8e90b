import { salesPipelineV1 } from "@crm/proto";
import { z } from "zod";
import type { SalesPipelineClient } from "../clients/sales-pipeline";
import type { ApiRegistry } from "../http/api-registry";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from "../http/idempotency";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import { idParams, idSchema, ifMatch, ifMatchHeader, maskOf, pageInfoSchema } from "./schemas";
import { iso, moneyInputSchema, timeSchema, toProtoMoney } from "./sales-schemas";

const TAG = "Leads";
const text = (max = 200) => z.string().max(max);

const personSchema = z
  .object({ givenName: text(100).optional(), familyName: text(100).optional(), email: text(254).optional(), phone: text(40).optional(), title: text(150).optional().describe("Job title") })
  .strict();
const companySchema = z
  .object({
    name: text().optional(),
    domain: text(253).optional(),
    industry: text(100).optional(),
    size: z.enum(["1-10", "11-50", "51-200", "201-1000", "1001-5000", "5001+"]).optional().describe("Employee band"),
  })
  .strict();

const leadInputSchema = z
  .object({
    name: text().optional().describe("Display name; the person's name, e-mail or company name when not given"),
    person: personSchema.optional(),
    company: companySchema.optional(),
    country: text(100).optional().describe("ISO 3166-1 alpha-2"),
    source: z.enum(["web_form", "referral", "event", "campaign", "import", "partner", "other"]).optional(),
    sourceDetail: text().optional().describe("The campaign id, event, referrer or partner"),
    status: z.enum(["new", "contacted", "qualified", "disqualified"]).optional().describe("A lead becomes converted by POST /v1/leads/{id}/convert"),
    ownerId: text(100).optional(),
    tags: z.array(text(50)).max(50).optional(),
    contactId: idSchema.optional().describe("The person in contacts, when known: their behaviour (interactions, campaign responses) scores the lead"),
    disqualifyReason: text(500).optional(),
  })
  .strict();

const reasonSchema = z.object({ ruleId: z.string(), points: z.number().int(), description: z.string().describe('e.g. "+20 opened campaign Spring launch on 2026-05-01"'), occurredAt: timeSchema });

const conversionSchema = z.object({
  state: z.enum(["in_progress", "completed", "failed"]),
  step: z.string().describe("The last step done: none, organization, person, opportunity, completed"),
  organizationId: z.string(),
  organizationReused: z.boolean().describe("contacts' duplicate check found the organisation: it was re-used"),
  contactId: z.string(),
  contactReused: z.boolean(),
  dealId: z.string(),
  notes: z.array(z.string()).describe("What each step made or found, and why"),
  startedAt: timeSchema,
  completedAt: timeSchema,
  error: z.string(),
});

export const leadSchema = z.object({
  id: z.string(),
  name: z.string(),
  person: z.object({ givenName: z.string(), familyName: z.string(), email: z.string(), phone: z.string(), title: z.string() }),
  company: z.object({ name: z.string(), domain: z.string(), industry: z.string(), size: z.string() }),
  country: z.string(),
  source: z.string(),
  sourceDetail: z.string(),
  status: z.string(),
  ownerId: z.string(),
  tags: z.array(z.string()),
  score: z.number().int(),
  scoreReasons: z.array(reasonSchema),
  scoredAt: timeSchema,
  contactId: z.string(),
  organizationId: z.string(),
  dealId: z.string(),
  conversion: conversionSchema.nullable(),
  disqualifyReason: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
  updatedBy: z.string(),
});

const ruleSchema = z
  .object({
    id: text(100).optional().describe("Kept when given; new rules get one"),
    description: text().optional().describe("Said in reasons instead of the rule's own wording"),
    type: z.enum(["attribute", "behaviour"]),
    attribute: z.enum(["title", "industry", "country", "company_size", "source", "tag"]).optional(),
    match: z.enum(["equals", "contains"]).optional(),
    values: z.array(text(100)).max(50).optional(),
    behaviour: text(50).optional().describe("web_visit, meeting, call, email, message, note, or campaign_<response>: campaign_opened, campaign_clicked, campaign_unsubscribed..."),
    points: z.number().int().min(-1000).max(1000),
    halfLifeDays: z.number().min(0).max(3650).optional().describe("Behaviour: an occurrence counts half after this many days; 0 never decays"),
    maxOccurrences: z.number().int().min(0).max(100).optional().describe("Behaviour: occurrences counted at most (default 1)"),
    windowDays: z.number().int().min(0).max(3650).optional().describe("Behaviour: older occurrences do not count (default 180)"),
  })
  .strict();
const rulesSchema = z.object({
  rules: z.array(
    z.object({
      id: z.string(), description: z.string(), type: z.string(), attribute: z.string(), match: z.string(), values: z.array(z.string()), behaviour: z.string(),
      points: z.number().int(), halfLifeDays: z.number(), maxOccurrences: z.number().int(), windowDays: z.number().int(),
    }),
  ),
  updatedAt: timeSchema,
});

const convertSchema = z
  .object({
    createOpportunity: z.boolean().optional().describe("Also open a deal"),
    opportunity: z
      .object({ name: text().optional(), pipelineId: idSchema, stageId: idSchema.optional(), amount: moneyInputSchema, expectedCloseDate: z.iso.date().optional() })
      .strict()
      .optional(),
    organizationId: idSchema.optional().describe("Attach to this organisation instead of finding or creating one"),
    contactId: idSchema.optional().describe("Attach to this person instead of finding or creating one"),
  })
  .strict();

const historySchema = z.object({ data: z.array(z.object({ score: z.number().int(), previousScore: z.number().int(), changedAt: timeSchema, cause: z.string(), reasons: z.array(reasonSchema) })) });

const toRestReason = (r: salesPipelineV1.ScoreReason) => ({ ruleId: r.ruleId, points: r.points, description: r.description, occurredAt: iso(r.occurTime) });

export function toRestLead(lead: salesPipelineV1.Lead | undefined): z.output<typeof leadSchema> {
  if (!lead) throw new Error("the sales-pipeline service answered without a lead");
  const c = lead.conversion;
  return {
    id: lead.id,
    name: lead.name,
    person: salesPipelineV1.LeadPerson.fromPartial(lead.person ?? {}),
    company: salesPipelineV1.LeadCompany.fromPartial(lead.company ?? {}),
    country: lead.country,
    source: lead.source,
    sourceDetail: lead.sourceDetail,
    status: lead.status,
    ownerId: lead.ownerId,
    tags: lead.tags,
    score: lead.score,
    scoreReasons: lead.scoreReasons.map(toRestReason),
    scoredAt: iso(lead.scoreTime),
    contactId: lead.contactId,
    organizationId: lead.organizationId,
    dealId: lead.dealId,
    conversion: c
      ? { state: c.state as "in_progress", step: c.step, organizationId: c.organizationId, organizationReused: c.organizationReused, contactId: c.contactId, contactReused: c.contactReused, dealId: c.dealId, notes: c.notes, startedAt: iso(c.startTime), completedAt: iso(c.completeTime), error: c.error }
      : null,
    disqualifyReason: lead.disqualifyReason,
    createdAt: iso(lead.createTime) ?? "",
    updatedAt: iso(lead.updateTime) ?? "",
    createdBy: lead.createdBy,
    updatedBy: lead.updatedBy,
  };
}

const toLeadInput = (body: z.output<typeof leadInputSchema>) => salesPipelineV1.LeadInput.fromPartial(body);

/** /v1/leads: leads, their scores and the tenant's scoring rules, and conversion. */
export function registerLeadRoutes(api: ApiRegistry, client: SalesPipelineClient): void {
  const one = { status: 200, schema: leadSchema, description: "The lead" };

  // Before /v1/leads/:id, which would take "scoring-rules" for an id.
  api.route({
    method: "get", path: "/v1/leads/scoring-rules", operationId: "getLeadScoringRules", summary: "The tenant's lead-scoring rules", tag: TAG, permission: "sales-pipeline:read",
    response: { status: 200, schema: rulesSchema, description: "The rules (ETag: their version)" },
    handler: async ({ identity, res }) => {
      const { rules } = await client.call(identity, "getScoringRules", {});
      res.setHeader("ETag", rules?.etag ?? "");
      return { rules: rules?.rules ?? [], updatedAt: iso(rules?.updateTime) };
    },
  });

  api.route({
    method: "put", path: "/v1/leads/scoring-rules", operationId: "setLeadScoringRules", summary: "Replace the tenant's lead-scoring rules; every lead is scored again by them shortly after", tag: TAG,
    permission: "sales-pipeline:write", body: z.object({ rules: z.array(ruleSchema).max(100) }).strict(), headers: [ifMatchHeader("scoring rules")],
    response: { status: 200, schema: rulesSchema, description: "The rules as stored" },
    handler: async ({ body, identity, req, res }) => {
      const { rules } = await client.call(identity, "setScoringRules", { rules: body.rules.map((rule) => salesPipelineV1.ScoringRule.fromPartial(rule)), etag: ifMatch(req.get("if-match")) });
      res.setHeader("ETag", rules?.etag ?? "");
      return { rules: rules?.rules ?? [], updatedAt: iso(rules?.updateTime) };
    },
  });

  api.route({
    method: "post", path: "/v1/leads", operationId: "createLead", summary: "Capture a lead (it is scored at once)", tag: TAG, permission: "sales-pipeline:write",
    body: leadInputSchema, headers: [IDEMPOTENCY_KEY_HEADER], response: { status: 201, schema: leadSchema, description: "The lead as stored, with its score" },
    handler: async ({ body, identity, req, res }) => {
      const { lead } = await client.call(identity, "createLead", { lead: toLeadInput(body), requestId: idempotencyKeyOf(req, res) });
      res.location(`/v1/leads/${lead?.id}`).setHeader("ETag", lead?.etag ?? "");
      return toRestLead(lead);
    },
  });

  api.route({
    method: "get", path: "/v1/leads/:id", operationId: "getLead", summary: "Get one lead with its score and the reasons for it", tag: TAG, permission: "sales-pipeline:read",
    params: idParams, response: one,
    handler: async ({ params, identity, res }) => {
      const { lead } = await client.call(identity, "getLead", { id: params.id });
      res.setHeader("ETag", lead?.etag ?? "");
      return toRestLead(lead);
    },
  });

  api.route({
    method: "patch", path: "/v1/leads/:id", operationId: "updateLead", summary: "Change the fields present in the body (qualify it with status)", tag: TAG, permission: "sales-pipeline:write",
    params: idParams, body: leadInputSchema, headers: [ifMatchHeader("lead")], response: one,
    handler: async ({ params, body, identity, req, res }) => {
      const { lead } = await client.call(identity, "updateLead", { id: params.id, lead: toLeadInput(body), updateMask: maskOf(body), etag: ifMatch(req.get("if-match")) });
      res.setHeader("ETag", lead?.etag ?? "");
      return toRestLead(lead);
    },
  });

  api.route({
    method: "get", path: "/v1/leads", operationId: "listLeads", summary: "List leads with filters (score, status, source, ownerId, tags...), order (score[desc]) and cursors", tag: TAG,
    permission: "sales-pipeline:read", query: listQuerySchema,
    response: { status: 200, schema: z.object({ data: z.array(leadSchema), pageInfo: pageInfoSchema }), description: "One page, newest first unless ordered otherwise" },
    handler: async ({ query, identity }) => {
      const response = await client.call(identity, "listLeads", toListRequest(query));
      return { data: response.leads.map(toRestLead), pageInfo: toPageInfo(response.pageInfo) };
    },
  });

  api.route({
    method: "get", path: "/v1/leads/:id/score-history", operationId: "listLeadScoreHistory", summary: "Every change of the lead's score, newest first, with its cause and reasons", tag: TAG,
    permission: "sales-pipeline:read", params: idParams, response: { status: 200, schema: historySchema, description: "The score's history (the latest 100 changes)" },
    handler: async ({ params, identity }) => {
      const { changes } = await client.call(identity, "listLeadScoreHistory", { leadId: params.id });
      return { data: changes.map((c) => ({ score: c.score, previousScore: c.previousScore, changedAt: iso(c.changeTime), cause: c.cause, reasons: c.reasons.map(toRestReason) })) };
    },
  });

  api.route({
    method: "post", path: "/v1/leads/:id/convert", operationId: "convertLead",
    summary: "Convert a qualified lead into a person and an organisation in contacts (re-using likely duplicates) and optionally a deal; a repeat answers the same conversion", tag: TAG,
    permission: "sales-pipeline:write", params: idParams, body: convertSchema, response: { status: 200, schema: leadSchema, description: "The converted lead: its conversion names the records made or re-used" },
    handler: async ({ params, body, identity, res }) => {
      const opportunity = body.opportunity ? { ...body.opportunity, amount: toProtoMoney(body.opportunity.amount) } : undefined;
      const { lead } = await client.call(identity, "convertLead", salesPipelineV1.ConvertLeadRequest.fromPartial({ leadId: params.id, ...body, opportunity }));
      res.setHeader("ETag", lead?.etag ?? "");
      return toRestLead(lead);
    },
  });
}
