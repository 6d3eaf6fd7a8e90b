import { salesPipelineV1 } from "@crm/proto";
import { actorOf, etagVersion, PreconditionFailedError, requireId, type ServiceRuntime, ValidationError } from "@crm/kit";
import { preparePipeline, removedStages, stageOf } from "../domain/pipeline";
import type { DealRepository } from "../store/deal-repository";
import type { PipelineRepository } from "../store/pipeline-repository";
import { toPipelineDraft, toProtoPipeline } from "./deal-mapping";
import { requireCurrent, requireRequestId } from "./preconditions";

type Handlers = Pick<salesPipelineV1.SalesPipelineServiceServer, "createPipeline" | "getPipeline" | "listPipelines" | "updatePipeline">;

/** Pipelines and their stages. A stage in use is removed only with a stage to move its deals to. */
export function pipelineHandlers(rpc: ServiceRuntime["rpc"], { pipelines, deals }: { pipelines: PipelineRepository; deals: DealRepository }): Handlers {
  return {
    createPipeline: rpc("CreatePipeline", async (request: salesPipelineV1.CreatePipelineRequest, { identity }) => {
      requireRequestId(request.requestId);
      const fields = preparePipeline(toPipelineDraft(request.pipeline));
      return { pipeline: toProtoPipeline(await pipelines.create(actorOf(identity), fields, request.requestId)) };
    }),

    getPipeline: rpc("GetPipeline", async (request: salesPipelineV1.GetPipelineRequest, { identity }) => {
      requireId(request.id, "id");
      return { pipeline: toProtoPipeline(await pipelines.get(identity.tenantId, request.id)) };
    }),

    listPipelines: rpc("ListPipelines", async (request: salesPipelineV1.ListPipelinesRequest, { identity }) => {
      const { items, pageInfo } = await pipelines.list(identity.tenantId, request);
      return { pipelines: items.map(toProtoPipeline), pageInfo };
    }),

    updatePipeline: rpc("UpdatePipeline", async (request: salesPipelineV1.UpdatePipelineRequest, { identity }) => {
      requireId(request.id, "id");
      const expected = etagVersion(request.etag);
      const current = await pipelines.get(identity.tenantId, request.id);
      requireCurrent(current, expected, "pipeline");
      const mask = new Set((request.updateMask ?? []).map((path) => path.trim()));
      const unknown = [...mask].filter((path) => path !== "name" && path !== "stages");
      if (mask.size === 0 || unknown.length > 0) throw ValidationError.field("updateMask", "names name, stages or both");
      const input = toPipelineDraft(request.pipeline);
      const fields = preparePipeline({ name: mask.has("name") ? input.name : current.name, stages: mask.has("stages") ? input.stages : current.stages }, current.stages);
      // Stages that go: each empty, or given a stage of the new list to move its deals to.
      const moves: Array<{ from: string; to: string }> = [];
      const violations: Array<{ field: string; description: string }> = [];
      for (const stage of removedStages(current.stages, fields.stages)) {
        const target = request.stageMoves[stage.id];
        const inUse = await deals.countInStage(identity.tenantId, current.id, stage.id);
        if (target) {
          if (!stageOf(fields, target)) violations.push({ field: `stageMoves.${stage.id}`, description: "must name a stage the pipeline keeps" });
          else moves.push({ from: stage.id, to: target });
        } else if (inUse > 0) {
          throw new PreconditionFailedError(`stage "${stage.name}" (${stage.id}) has ${inUse} deal(s): name the stage they move to in stageMoves`);
        }
      }
      for (const key of Object.keys(request.stageMoves)) {
        if (!removedStages(current.stages, fields.stages).some((stage) => stage.id === key)) violations.push({ field: `stageMoves.${key}`, description: "is not a stage this update removes" });
      }
      if (violations.length > 0) throw new ValidationError(violations);
      const actor = actorOf(identity);
      // Deals move first, with the new stages known: a crash in between leaves the removal to do again, nothing lost.
      const known = new Set(current.stages.map((stage) => stage.id));
      const widened = { ...current, stages: [...current.stages.map((stage) => stageOf(fields, stage.id) ?? stage), ...fields.stages.filter((stage) => !known.has(stage.id))] };
      let movedDeals = 0;
      for (const { from, to } of moves) movedDeals += await deals.moveAll(actor, widened, from, stageOf(fields, to)!);
      return { pipeline: toProtoPipeline(await pipelines.update(actor, current, fields)), movedDeals };
    }),
  };
}
