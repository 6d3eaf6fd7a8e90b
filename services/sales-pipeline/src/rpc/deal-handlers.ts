import { salesPipelineV1 } from "@crm/proto";
import { actorOf, applyFieldMask, etagVersion, type Identity, NotFoundError, ownerOfNewRecord, requireId, type ServiceRuntime, ValidationError } from "@crm/kit";
import { dealDraftOf, prepareDeal } from "../domain/deal";
import { conversionFigures, forecastRows, rollUp, wholeMonths, type ForecastCell } from "../domain/forecast";
import { firstOpenStage, stageOf, type Pipeline } from "../domain/pipeline";
import { Violations } from "../domain/checks";
import type { DealRepository } from "../store/deal-repository";
import type { ForecastCells } from "../store/forecast-cells";
import type { PipelineRepository } from "../store/pipeline-repository";
import { DEAL_MASK, toDealDraft, toProtoDeal, toProtoMoney, toProtoPipeline, toProtoStage } from "./deal-mapping";
import { requireCurrent, requireRequestId } from "./preconditions";

type Handlers = Pick<salesPipelineV1.SalesPipelineServiceServer, "createDeal" | "getDeal" | "listDeals" | "updateDeal" | "getBoard" | "getForecast" | "getStageConversion">;

const BOARD_PAGE = { default: 20, max: 100 };

/** Deals, their stage moves, and the views over a pipeline: board, forecast, stage conversion. */
export function dealHandlers(rpc: ServiceRuntime["rpc"], { deals, pipelines, cells }: { deals: DealRepository; pipelines: PipelineRepository; cells: ForecastCells }): Handlers {
  /** The pipeline a request names: a missing one is the request's fault (INVALID_ARGUMENT), not a missing deal. */
  const pipelineOf = async (identity: Identity, id: string, field: string): Promise<Pipeline> => {
    if (!id.trim()) throw ValidationError.field(field, "is required");
    requireId(id, field);
    return pipelines.get(identity.tenantId, id).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw ValidationError.field(field, `pipeline ${id} does not exist`);
      throw error;
    });
  };

  return {
    createDeal: rpc("CreateDeal", async (request: salesPipelineV1.CreateDealRequest, { identity }) => {
      requireRequestId(request.requestId);
      const draft = toDealDraft(request.deal);
      const pipeline = await pipelineOf(identity, draft.pipelineId, "deal.pipelineId");
      const fields = prepareDeal({ ...draft, ownerId: ownerOfNewRecord(draft.ownerId) }, pipeline);
      const stage = fields.stageId ? stageOf(pipeline, fields.stageId)! : firstOpenStage(pipeline);
      return { deal: toProtoDeal(await deals.create(actorOf(identity), fields, pipeline, stage, request.requestId)) };
    }),

    getDeal: rpc("GetDeal", async (request: salesPipelineV1.GetDealRequest, { identity }) => {
      requireId(request.id, "id");
      return { deal: toProtoDeal(await deals.get(identity.tenantId, request.id)) };
    }),

    listDeals: rpc("ListDeals", async (request: salesPipelineV1.ListDealsRequest, { identity }) => {
      const { items, pageInfo } = await deals.list(identity.tenantId, request);
      return { deals: items.map(toProtoDeal), pageInfo };
    }),

    updateDeal: rpc("UpdateDeal", async (request: salesPipelineV1.UpdateDealRequest, { identity }) => {
      requireId(request.id, "id");
      const expected = etagVersion(request.etag);
      const current = await deals.get(identity.tenantId, request.id);
      requireCurrent(current, expected, "deal");
      const { draft } = applyFieldMask(request.updateMask ?? [], DEAL_MASK, dealDraftOf(current), toDealDraft(request.deal), "a deal");
      const pipeline = await pipelines.get(identity.tenantId, current.pipelineId);
      if (!draft.stageId.trim()) throw ValidationError.field("deal.stageId", "is required");
      const fields = prepareDeal(draft, pipeline);
      return { deal: toProtoDeal(await deals.update(actorOf(identity), current, fields, pipeline)) };
    }),

    getBoard: rpc("GetBoard", async (request: salesPipelineV1.GetBoardRequest, { identity }) => {
      const pipeline = await pipelineOf(identity, request.pipelineId, "pipelineId");
      const pageSize = request.pageSize || BOARD_PAGE.default;
      if (pageSize < 1 || pageSize > BOARD_PAGE.max) throw ValidationError.field("pageSize", `must be from 1 to ${BOARD_PAGE.max}`);
      if (request.pageToken && !request.stageId) throw ValidationError.field("pageToken", "pages one stage's column: give its stageId too");
      const stages = request.stageId ? [stageOf(pipeline, request.stageId)] : pipeline.stages;
      if (stages.some((stage) => !stage)) throw ValidationError.field("stageId", `is not a stage of pipeline ${pipeline.id}`);
      // Counts and totals per stage and currency: from the stored cells, or from the deals the filter selects.
      const totalsOf = request.filter
        ? await deals.cellsMatching(deals.forecastFilter(identity.tenantId, pipeline.id, "", "", request.filter))
        : await cells.of(identity.tenantId, pipeline.id, {}, request.stageId || undefined);
      const columns = await Promise.all(
        stages.map(async (stage) => {
          const page = await deals.column(identity.tenantId, pipeline.id, stage!.id, request.filter, { pageSize, pageToken: request.pageToken, direction: 0 });
          const { totals } = rollUp(totalsOf.filter((cell) => cell.stageId === stage!.id));
          const dealCount = totals.reduce((sum, row) => sum + row.count, 0);
          return { stage: toProtoStage(stage!), deals: page.items.map(toProtoDeal), dealCount: String(dealCount), totals: totals.sort((a, b) => a.currency.localeCompare(b.currency)).map((row) => toProtoMoney({ currency: row.currency, minor: row.total })), pageInfo: page.pageInfo };
        }),
      );
      return { pipeline: toProtoPipeline(pipeline), columns };
    }),

    getForecast: rpc("GetForecast", async (request: salesPipelineV1.GetForecastRequest, { identity }) => {
      const pipeline = await pipelineOf(identity, request.pipelineId, "pipelineId");
      const v = new Violations();
      const closeFrom = v.date(request.closeFrom, "closeFrom");
      const closeTo = v.date(request.closeTo, "closeTo");
      if (closeFrom && closeTo && closeFrom > closeTo) v.add("closeTo", "is before closeFrom");
      v.throwIfAny();
      // Whole months and no filter: the stored cells answer; otherwise the deals are summed.
      const months = request.filter ? undefined : wholeMonths(closeFrom, closeTo);
      const found: ForecastCell[] = months ? await cells.of(identity.tenantId, pipeline.id, months) : await deals.cellsMatching(deals.forecastFilter(identity.tenantId, pipeline.id, closeFrom, closeTo, request.filter));
      const { byStage, byOwner, byMonth, totals } = rollUp(found);
      return forecastRows(pipeline, { byStage, byOwner, byMonth, totals });
    }),

    getStageConversion: rpc("GetStageConversion", async (request: salesPipelineV1.GetStageConversionRequest, { identity }) => {
      const pipeline = await pipelineOf(identity, request.pipelineId, "pipelineId");
      const from = request.fromTime ?? new Date(0);
      const to = request.toTime ?? new Date();
      if (from >= to) throw ValidationError.field("toTime", "must be after fromTime");
      const [stays, closed] = await Promise.all([deals.stageStays(identity.tenantId, pipeline.id, from, to), deals.closedIn(identity.tenantId, pipeline.id, from, to)]);
      const figures = conversionFigures(pipeline, stays, closed);
      return { ...figures, stages: figures.stages.map((row) => ({ ...row, stage: toProtoStage(row.stage), entered: String(row.entered), advanced: String(row.advanced), regressed: String(row.regressed), lost: String(row.lost) })), won: String(figures.won), lost: String(figures.lost) };
    }),
  };
}
