import { salesPipelineV1 } from "@crm/proto";
import { z } from "zod";
import type { SalesPipelineClient } from "../clients/sales-pipeline";
import type { ApiRegistry } from "../http/api-registry";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from "../http/idempotency";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import { idParams, idSchema, ifMatch, ifMatchHeader, maskOf, pageInfoSchema } from "./schemas";
import { iso, moneyInputSchema, moneySchema, timeSchema, toProtoMoney, toRestMoney } from "./sales-schemas";

const TAG = "Deals";
const text = (max = 200) => z.string().max(max);

const stakeholderSchema = z.object({ contactId: idSchema, role: z.enum(["decision_maker", "champion", "influencer", "blocker", "user"]) }).strict();
const competitorSchema = z.object({ organizationId: idSchema.describe("An organisation of type competitor in contacts"), notes: text(2000).optional() }).strict();

const dealPatchSchema = z
  .object({
    name: text().regex(/\S/, "is required").optional(),
    stageId: idSchema.optional().describe("Moves the deal: its stage history gets a new stay; a won or lost stage closes it"),
    organizationId: idSchema.optional(),
    stakeholders: z.array(stakeholderSchema).max(50).optional(),
    amount: moneyInputSchema.optional(),
    expectedCloseDate: z.iso.date().optional(),
    probability: z.number().int().min(0).max(100).nullable().optional().describe("Percent; overrides the stage's default, null goes back to it"),
    ownerId: text(100).optional(),
    competitors: z.array(competitorSchema).max(20).optional(),
    nextStep: text(500).optional(),
    closeReason: text(500).optional().describe("Why it was won or lost"),
  })
  .strict();
const newDealSchema = dealPatchSchema.extend({ name: text().regex(/\S/, "is required"), pipelineId: idSchema, amount: moneyInputSchema, stageId: idSchema.optional().describe("The pipeline's first open stage when not given") });

const stageVisitSchema = z.object({ stageId: z.string(), stageName: z.string(), enteredAt: timeSchema, exitedAt: timeSchema, exit: z.string().describe("forward, back or lost; empty while in it") });

export const dealSchema = z.object({
  id: z.string(),
  name: z.string(),
  pipelineId: z.string(),
  stageId: z.string(),
  stageName: z.string(),
  status: z.enum(["open", "won", "lost"]),
  organizationId: z.string(),
  stakeholders: z.array(z.object({ contactId: z.string(), role: z.string() })),
  amount: moneySchema,
  expectedCloseDate: z.string(),
  probability: z.number().int(),
  probabilityOverridden: z.boolean(),
  weightedAmount: moneySchema.describe("amount x probability"),
  ownerId: z.string(),
  competitors: z.array(z.object({ organizationId: z.string(), notes: z.string() })),
  nextStep: z.string(),
  closeReason: z.string(),
  closedAt: timeSchema,
  stageHistory: z.array(stageVisitSchema).describe("Every stay in a stage, for time in stage and stage conversion"),
  leadId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
  updatedBy: z.string(),
});

export function toRestDeal(deal: salesPipelineV1.Deal | undefined): z.output<typeof dealSchema> {
  if (!deal) throw new Error("the sales-pipeline service answered without a deal");
  return {
    id: deal.id, name: deal.name, pipelineId: deal.pipelineId, stageId: deal.stageId, stageName: deal.stageName, status: deal.status as "open",
    organizationId: deal.organizationId, stakeholders: deal.stakeholders, amount: toRestMoney(deal.amount), expectedCloseDate: deal.expectedCloseDate,
    probability: deal.probability, probabilityOverridden: deal.probabilityOverridden, weightedAmount: toRestMoney(deal.weightedAmount), ownerId: deal.ownerId,
    competitors: deal.competitors, nextStep: deal.nextStep, closeReason: deal.closeReason, closedAt: iso(deal.closeTime),
    stageHistory: deal.stageHistory.map((v) => ({ stageId: v.stageId, stageName: v.stageName, enteredAt: iso(v.enterTime), exitedAt: iso(v.exitTime), exit: v.exit })),
    leadId: deal.leadId, createdAt: iso(deal.createTime) ?? "", updatedAt: iso(deal.updateTime) ?? "", createdBy: deal.createdBy, updatedBy: deal.updatedBy,
  };
}

function toDealInput(body: z.output<typeof dealPatchSchema> & { pipelineId?: string }): salesPipelineV1.DealInput {
  const { amount, probability, competitors, ...rest } = body;
  return salesPipelineV1.DealInput.fromPartial({
    ...rest,
    ...(amount ? { amount: toProtoMoney(amount) } : {}),
    ...(probability !== undefined && probability !== null ? { probability } : {}),
    ...(competitors ? { competitors: competitors.map((c) => ({ organizationId: c.organizationId, notes: c.notes ?? "" })) } : {}),
  });
}

/** /v1/deals: opportunities, their stage moves and history. */
export function registerDealRoutes(api: ApiRegistry, client: SalesPipelineClient): void {
  const one = { status: 200, schema: dealSchema, description: "The deal" };

  api.route({
    method: "post", path: "/v1/deals", operationId: "createDeal", summary: "Open a deal in a pipeline", tag: TAG, permission: "sales-pipeline:write",
    body: newDealSchema, headers: [IDEMPOTENCY_KEY_HEADER], response: { status: 201, schema: dealSchema, description: "The deal as stored" },
    handler: async ({ body, identity, req, res }) => {
      const { deal } = await client.call(identity, "createDeal", { deal: toDealInput(body), requestId: idempotencyKeyOf(req, res) });
      res.location(`/v1/deals/${deal?.id}`).setHeader("ETag", deal?.etag ?? "");
      return toRestDeal(deal);
    },
  });

  api.route({
    method: "get", path: "/v1/deals/:id", operationId: "getDeal", summary: "Get one deal with its stage history", tag: TAG, permission: "sales-pipeline:read",
    params: idParams, response: one,
    handler: async ({ params, identity, res }) => {
      const { deal } = await client.call(identity, "getDeal", { id: params.id });
      res.setHeader("ETag", deal?.etag ?? "");
      return toRestDeal(deal);
    },
  });

  api.route({
    method: "patch", path: "/v1/deals/:id", operationId: "updateDeal", summary: "Change the fields present in the body; stageId moves the deal (won and lost close it)", tag: TAG,
    permission: "sales-pipeline:write", params: idParams, body: dealPatchSchema, headers: [ifMatchHeader("deal")], response: one,
    handler: async ({ params, body, identity, req, res }) => {
      const { deal } = await client.call(identity, "updateDeal", { id: params.id, deal: toDealInput(body), updateMask: maskOf(body), etag: ifMatch(req.get("if-match")) });
      res.setHeader("ETag", deal?.etag ?? "");
      return toRestDeal(deal);
    },
  });

  api.route({
    method: "get", path: "/v1/deals", operationId: "listDeals", summary: "List deals with filters (pipelineId, stageId, status, ownerId, contactId, currency, amount, expectedCloseDate...), order and cursors", tag: TAG,
    permission: "sales-pipeline:read", query: listQuerySchema,
    response: { status: 200, schema: z.object({ data: z.array(dealSchema), pageInfo: pageInfoSchema }), description: "One page, most recently changed first unless ordered otherwise" },
    handler: async ({ query, identity }) => {
      const response = await client.call(identity, "listDeals", toListRequest(query));
      return { data: response.deals.map(toRestDeal), pageInfo: toPageInfo(response.pageInfo) };
    },
  });
}
