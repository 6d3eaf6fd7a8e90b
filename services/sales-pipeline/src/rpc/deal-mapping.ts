import { salesPipelineV1 } from "@crm/proto";
import { toEtag, ValidationError } from "@crm/kit";
import type { Deal, DealDraft } from "../domain/deal";
import type { Amount } from "../domain/money";
import type { Pipeline, PipelineFields, Stage } from "../domain/pipeline";

/** DealInput paths an update may name, and the draft key each changes. */
export const DEAL_MASK: Record<string, keyof DealDraft> = {
  name: "name",
  stageId: "stageId",
  organizationId: "organizationId",
  stakeholders: "stakeholders",
  amount: "amount",
  expectedCloseDate: "expectedCloseDate",
  probability: "probability",
  ownerId: "ownerId",
  competitors: "competitors",
  nextStep: "nextStep",
  closeReason: "closeReason",
};

export const toProtoMoney = (amount: Amount): salesPipelineV1.Money => ({ currencyCode: amount.currency, amountMinor: String(amount.minor) });

export function toProtoStage(stage: Stage): salesPipelineV1.Stage {
  return { id: stage.id, name: stage.name, probability: stage.probability, kind: stage.kind };
}

export function toProtoPipeline(pipeline: Pipeline): salesPipelineV1.Pipeline {
  return { id: pipeline.id, name: pipeline.name, stages: pipeline.stages.map(toProtoStage), createTime: pipeline.createdAt, updateTime: pipeline.updatedAt, createdBy: pipeline.createdBy, etag: toEtag(pipeline.version) };
}

export function toPipelineDraft(input: salesPipelineV1.PipelineInput | undefined): PipelineFields {
  if (!input) throw ValidationError.field("pipeline", "is required");
  return { name: input.name, stages: input.stages.map((stage) => ({ id: stage.id, name: stage.name, probability: stage.probability, kind: stage.kind as Stage["kind"] })) };
}

export function toProtoDeal(deal: Deal): salesPipelineV1.Deal {
  return {
    id: deal.id,
    name: deal.name,
    pipelineId: deal.pipelineId,
    stageId: deal.stageId,
    stageName: deal.stageName,
    status: deal.status,
    organizationId: deal.organizationId,
    stakeholders: deal.stakeholders,
    amount: toProtoMoney(deal.amount),
    expectedCloseDate: deal.expectedCloseDate,
    probability: deal.probability,
    probabilityOverridden: deal.probabilityOverride !== undefined,
    weightedAmount: toProtoMoney({ currency: deal.amount.currency, minor: deal.weightedMinor }),
    ownerId: deal.ownerId,
    competitors: deal.competitors,
    nextStep: deal.nextStep,
    closeReason: deal.closeReason,
    closeTime: deal.closedAt,
    stageHistory: deal.stageHistory.map((visit) => ({ stageId: visit.stageId, stageName: visit.stageName, enterTime: visit.enteredAt, exitTime: visit.exitedAt, exit: visit.exit ?? "", movedBy: visit.movedBy })),
    leadId: deal.leadId,
    createTime: deal.createdAt,
    updateTime: deal.updatedAt,
    createdBy: deal.createdBy,
    updatedBy: deal.updatedBy,
    etag: toEtag(deal.version),
  };
}

export function toDealDraft(input: salesPipelineV1.DealInput | undefined): DealDraft {
  if (!input) throw ValidationError.field("deal", "is required");
  return {
    name: input.name,
    pipelineId: input.pipelineId,
    stageId: input.stageId,
    organizationId: input.organizationId,
    stakeholders: input.stakeholders,
    amount: input.amount,
    expectedCloseDate: input.expectedCloseDate,
    probability: input.probability,
    ownerId: input.ownerId,
    competitors: input.competitors,
    nextStep: input.nextStep,
    closeReason: input.closeReason,
  };
}
