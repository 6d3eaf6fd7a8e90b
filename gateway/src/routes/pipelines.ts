import { commonV1, salesPipelineV1 } from "@crm/proto";
import { z } from "zod";
import type { SalesPipelineClient } from "../clients/sales-pipeline";
import type { ApiRegistry } from "../http/api-registry";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from "../http/idempotency";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import { parseFilter } from "../query/filter-parser";
import { dealSchema, toRestDeal } from "./deals";
import { idParams, idSchema, ifMatch, ifMatchHeader, maskOf, pageInfoSchema } from "./schemas";
import { iso, moneySchema, toRestMoney } from "./sales-schemas";

const TAG = "Pipelines";

const stageInputSchema = z
  .object({
    id: idSchema.optional().describe("An existing stage's id keeps it (renamed or moved); none for a new stage"),
    name: z.string().max(100).regex(/\S/, "is required"),
    probability: z.number().int().min(0).max(100).optional().describe("Default win probability in percent (won stages 100, lost 0)"),
    kind: z.enum(["open", "won", "lost"]).optional().describe("Open stages first, then at least one won and one lost"),
  })
  .strict();
const pipelinePatchSchema = z
  .object({
    name: z.string().max(200).regex(/\S/, "is required").optional(),
    stages: z.array(stageInputSchema).min(1).max(30).optional().describe("The stages in order; a stage left out is removed"),
    stageMoves: z.record(z.string().max(100), idSchema).optional().describe("Removed stage id -> the stage its deals move to (needed when it has deals)"),
  })
  .strict();
const newPipelineSchema = pipelinePatchSchema.omit({ stageMoves: true }).extend({ name: z.string().max(200).regex(/\S/, "is required"), stages: z.array(stageInputSchema).min(1).max(30) });

const stageSchema = z.object({ id: z.string(), name: z.string(), probability: z.number().int(), kind: z.string() });
const pipelineSchema = z.object({ id: z.string(), name: z.string(), stages: z.array(stageSchema), createdAt: z.string(), updatedAt: z.string(), createdBy: z.string() });

function toRestPipeline(pipeline: salesPipelineV1.Pipeline | undefined): z.output<typeof pipelineSchema> {
  if (!pipeline) throw new Error("the sales-pipeline service answered without a pipeline");
  return { id: pipeline.id, name: pipeline.name, stages: pipeline.stages, createdAt: iso(pipeline.createTime) ?? "", updatedAt: iso(pipeline.updateTime) ?? "", createdBy: pipeline.createdBy };
}

const toStages = (stages: Array<z.output<typeof stageInputSchema>> | undefined) => (stages ?? []).map((s) => salesPipelineV1.Stage.fromPartial(s));

const filterQuery = z.string().optional().describe("Narrows the deals, in the deal list's filter language, e.g. ownerId[eq]:ann");
const boardQuerySchema = z
  .object({
    filter: filterQuery,
    limit: z.coerce.number().int().min(1).max(100).default(20).describe("Deals per stage"),
    stageId: idSchema.optional().describe("Only this stage's column (to page it)"),
    after: z.string().max(1_000).optional().describe("The column's endCursor, with its stageId"),
  })
  .strict();
const forecastQuerySchema = z.object({ filter: filterQuery, closeFrom: z.iso.date().optional(), closeTo: z.iso.date().optional() }).strict();
const conversionQuerySchema = z.object({ from: z.iso.datetime({ offset: true }).optional().describe("Default: the beginning"), to: z.iso.datetime({ offset: true }).optional().describe("Default: now") }).strict();

const boardSchema = z.object({
  pipeline: pipelineSchema,
  columns: z.array(z.object({ stage: stageSchema, deals: z.array(dealSchema), dealCount: z.number().int(), totals: z.array(moneySchema).describe("Per currency"), pageInfo: pageInfoSchema })),
});
const forecastRowSchema = z.object({ key: z.string(), label: z.string(), currency: z.string(), dealCount: z.number().int(), total: moneySchema, weighted: moneySchema.describe("Each deal's amount x its probability") });
const forecastSchema = z.object({ byStage: z.array(forecastRowSchema), byOwner: z.array(forecastRowSchema), byCloseMonth: z.array(forecastRowSchema), totals: z.array(forecastRowSchema) });
const conversionSchema = z.object({
  stages: z.array(
    z.object({
      stage: stageSchema,
      entered: z.number().int().describe("Stays in the stage begun in the range"),
      advanced: z.number().int().describe("Of those, left forward (a later stage or won)"),
      regressed: z.number().int(),
      lost: z.number().int(),
      conversionRate: z.number().describe("advanced / entered"),
      averageDays: z.number().describe("Mean days of the stays that ended"),
    }),
  ),
  won: z.number().int(),
  lost: z.number().int(),
  winRate: z.number().describe("Of the deals closed in the range, won / (won + lost)"),
});

const filterOf = (filter: string | undefined): commonV1.Filter | undefined => (filter ? parseFilter(filter) : undefined);
const toRestRow = (row: salesPipelineV1.ForecastRow) => ({
  key: row.key, label: row.label, currency: row.currencyCode, dealCount: Number(row.dealCount),
  total: toRestMoney({ currencyCode: row.currencyCode, amountMinor: row.totalMinor }), weighted: toRestMoney({ currencyCode: row.currencyCode, amountMinor: row.weightedMinor }),
});

/** /v1/pipelines: pipelines and their stages, and the views over each: board, forecast, stage conversion. */
export function registerPipelineRoutes(api: ApiRegistry, client: SalesPipelineClient): void {
  const one = { status: 200, schema: pipelineSchema, description: "The pipeline" };

  api.route({
    method: "post", path: "/v1/pipelines", operationId: "createPipeline", summary: "Create a pipeline with its ordered stages", tag: TAG, permission: "sales-pipeline:write",
    body: newPipelineSchema, headers: [IDEMPOTENCY_KEY_HEADER], response: { status: 201, schema: pipelineSchema, description: "The pipeline as stored" },
    handler: async ({ body, identity, req, res }) => {
      const { pipeline } = await client.call(identity, "createPipeline", { pipeline: { name: body.name, stages: toStages(body.stages) }, requestId: idempotencyKeyOf(req, res) });
      res.location(`/v1/pipelines/${pipeline?.id}`).setHeader("ETag", pipeline?.etag ?? "");
      return toRestPipeline(pipeline);
    },
  });

  api.route({
    method: "get", path: "/v1/pipelines/:id", operationId: "getPipeline", summary: "Get one pipeline", tag: TAG, permission: "sales-pipeline:read", params: idParams, response: one,
    handler: async ({ params, identity, res }) => {
      const { pipeline } = await client.call(identity, "getPipeline", { id: params.id });
      res.setHeader("ETag", pipeline?.etag ?? "");
      return toRestPipeline(pipeline);
    },
  });

  api.route({
    method: "patch", path: "/v1/pipelines/:id", operationId: "updatePipeline", summary: "Rename it or replace its stages; a stage with deals is removed only with stageMoves", tag: TAG,
    permission: "sales-pipeline:write", params: idParams, body: pipelinePatchSchema, headers: [ifMatchHeader("pipeline")],
    response: { status: 200, schema: pipelineSchema.extend({ movedDeals: z.number().int().describe("Deals moved out of removed stages") }), description: "The pipeline as stored" },
    handler: async ({ params, body, identity, req, res }) => {
      const { stageMoves, ...fields } = body;
      const { pipeline, movedDeals } = await client.call(identity, "updatePipeline", {
        id: params.id, pipeline: { name: fields.name ?? "", stages: toStages(fields.stages) }, updateMask: maskOf(fields), etag: ifMatch(req.get("if-match")), stageMoves: stageMoves ?? {},
      });
      res.setHeader("ETag", pipeline?.etag ?? "");
      return { ...toRestPipeline(pipeline), movedDeals };
    },
  });

  api.route({
    method: "get", path: "/v1/pipelines", operationId: "listPipelines", summary: "List pipelines", tag: TAG, permission: "sales-pipeline:read", query: listQuerySchema,
    response: { status: 200, schema: z.object({ data: z.array(pipelineSchema), pageInfo: pageInfoSchema }), description: "One page, oldest first unless ordered otherwise" },
    handler: async ({ query, identity }) => {
      const response = await client.call(identity, "listPipelines", toListRequest(query));
      return { data: response.pipelines.map(toRestPipeline), pageInfo: toPageInfo(response.pageInfo) };
    },
  });

  api.route({
    method: "get", path: "/v1/pipelines/:id/board", operationId: "getPipelineBoard", summary: "Deals grouped by stage, with counts and totals, one page per stage", tag: TAG,
    permission: "sales-pipeline:read", params: idParams, query: boardQuerySchema, response: { status: 200, schema: boardSchema, description: "The board" },
    handler: async ({ params, query, identity }) => {
      const board = await client.call(identity, "getBoard", { pipelineId: params.id, filter: filterOf(query.filter), pageSize: query.limit, stageId: query.stageId ?? "", pageToken: query.after ?? "" });
      return {
        pipeline: toRestPipeline(board.pipeline),
        columns: board.columns.map((c) => ({ stage: c.stage!, deals: c.deals.map(toRestDeal), dealCount: Number(c.dealCount), totals: c.totals.map(toRestMoney), pageInfo: toPageInfo(c.pageInfo) })),
      };
    },
  });

  api.route({
    method: "get", path: "/v1/pipelines/:id/forecast", operationId: "getPipelineForecast",
    summary: "Totals and probability-weighted totals of the deals expected to close in a range, by stage, owner and close month, per currency", tag: TAG,
    permission: "sales-pipeline:read", params: idParams, query: forecastQuerySchema, response: { status: 200, schema: forecastSchema, description: "The forecast" },
    handler: async ({ params, query, identity }) => {
      const forecast = await client.call(identity, "getForecast", { pipelineId: params.id, closeFrom: query.closeFrom ?? "", closeTo: query.closeTo ?? "", filter: filterOf(query.filter) });
      return { byStage: forecast.byStage.map(toRestRow), byOwner: forecast.byOwner.map(toRestRow), byCloseMonth: forecast.byCloseMonth.map(toRestRow), totals: forecast.totals.map(toRestRow) };
    },
  });

  api.route({
    method: "get", path: "/v1/pipelines/:id/conversion", operationId: "getPipelineConversion", summary: "Per stage over a time range: stays begun, conversion to a later stage, average days; and the win rate", tag: TAG,
    permission: "sales-pipeline:read", params: idParams, query: conversionQuerySchema, response: { status: 200, schema: conversionSchema, description: "The figures" },
    handler: async ({ params, query, identity }) => {
      const figures = await client.call(identity, "getStageConversion", { pipelineId: params.id, fromTime: query.from ? new Date(query.from) : undefined, toTime: query.to ? new Date(query.to) : undefined });
      return {
        stages: figures.stages.map((s) => ({ stage: s.stage!, entered: Number(s.entered), advanced: Number(s.advanced), regressed: Number(s.regressed), lost: Number(s.lost), conversionRate: s.conversionRate, averageDays: s.averageDays })),
        won: Number(figures.won),
        lost: Number(figures.lost),
        winRate: figures.winRate,
      };
    },
  });
}
