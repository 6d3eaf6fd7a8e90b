import { type RecordAudit } from "@crm/kit";
import { Violations } from "./checks";
import { checkAmount, weighted, type Amount } from "./money";
import { stageOf, type Pipeline, type Stage, type StageKind } from "./pipeline";

export const STAKEHOLDER_ROLES = ["decision_maker", "champion", "influencer", "blocker", "user"] as const;

export interface Stakeholder {
  contactId: string;
  role: string;
}

export interface Competitor {
  organizationId: string;
  notes: string;
}

/** One stay of a deal in a stage. */
export interface StageVisit {
  stageId: string;
  stageName: string;
  enteredAt: Date;
  exitedAt?: Date | undefined;
  /** forward (a later stage or won), back (an earlier stage, or reopened), lost. */
  exit?: "forward" | "back" | "lost" | undefined;
  /** Numbers for aggregation (summed per stage): 1 when it ended, and how; its length once ended. */
  left?: number | undefined;
  advanced?: number | undefined;
  regressed?: number | undefined;
  lost?: number | undefined;
  durationMs?: number | undefined;
  movedBy: string;
}

/** What a client writes (proto DealInput). `probability` undefined: the stage's default. */
export interface DealDraft {
  name: string;
  pipelineId: string;
  stageId: string;
  organizationId: string;
  stakeholders: Stakeholder[];
  amount: { currencyCode: string; amountMinor: string } | undefined;
  expectedCloseDate: string;
  probability: number | undefined;
  ownerId: string;
  competitors: Competitor[];
  nextStep: string;
  closeReason: string;
}

export interface DealFields {
  name: string;
  pipelineId: string;
  stageId: string;
  organizationId: string;
  stakeholders: Stakeholder[];
  amount: Amount;
  expectedCloseDate: string;
  probabilityOverride?: number | undefined;
  ownerId: string;
  competitors: Competitor[];
  nextStep: string;
  closeReason: string;
}

/** A deal as stored, with what its stage gives it (name, status, probability) and its history. */
export interface Deal extends DealFields, RecordAudit {
  id: string;
  tenantId: string;
  stageName: string;
  status: StageKind;
  probability: number;
  weightedMinor: number;
  /** YYYY-MM of the expected close date, for the forecast by month. */
  closeMonth: string;
  closedAt?: Date | undefined;
  stageHistory: StageVisit[];
  leadId: string;
}

/** A deal's fields checked against its pipeline: the stage is one of it, amounts and dates are valid. */
export function prepareDeal(draft: DealDraft, pipeline: Pipeline): DealFields {
  const v = new Violations();
  const name = v.text(draft.name, "deal.name");
  if (!name) v.add("deal.name", "is required");
  const stageId = draft.stageId.trim();
  if (stageId && !stageOf(pipeline, stageId)) v.add("deal.stageId", `is not a stage of pipeline ${pipeline.id}`);
  if (draft.stakeholders.length > 50) v.add("deal.stakeholders", "takes at most 50");
  const stakeholders = draft.stakeholders.map((s, i) => ({
    contactId: v.id(s.contactId, `deal.stakeholders[${i}].contactId`, false),
    role: v.oneOf(s.role, STAKEHOLDER_ROLES, `deal.stakeholders[${i}].role`),
  }));
  if (new Set(stakeholders.map((s) => s.contactId)).size !== stakeholders.length) v.add("deal.stakeholders", "lists a contact twice");
  if (draft.competitors.length > 20) v.add("deal.competitors", "takes at most 20");
  const competitors = draft.competitors.map((c, i) => ({ organizationId: v.id(c.organizationId, `deal.competitors[${i}].organizationId`, false), notes: v.text(c.notes, `deal.competitors[${i}].notes`, 2000) }));
  const amount = checkAmount(draft.amount, "deal.amount", v.list);
  const probability = draft.probability;
  if (probability !== undefined && (!Number.isInteger(probability) || probability < 0 || probability > 100)) v.add("deal.probability", "must be a whole percent from 0 to 100");
  const fields: DealFields = {
    name,
    pipelineId: pipeline.id,
    stageId,
    organizationId: v.id(draft.organizationId, "deal.organizationId"),
    stakeholders,
    amount,
    expectedCloseDate: v.date(draft.expectedCloseDate, "deal.expectedCloseDate"),
    probabilityOverride: probability,
    ownerId: v.text(draft.ownerId, "deal.ownerId", 100),
    competitors,
    nextStep: v.text(draft.nextStep, "deal.nextStep", 500),
    closeReason: v.text(draft.closeReason, "deal.closeReason", 500),
  };
  v.throwIfAny();
  return fields;
}

/** What a deal's stage and amount make of it: status, probability, weighted amount, close month. */
export function derived(fields: DealFields, stage: Stage): Pick<Deal, "stageName" | "status" | "probability" | "weightedMinor" | "closeMonth"> {
  // A terminal stage fixes the probability: a won deal is certain, a lost one worthless.
  const probability = stage.kind === "open" ? (fields.probabilityOverride ?? stage.probability) : stage.probability;
  return { stageName: stage.name, status: stage.kind, probability, weightedMinor: weighted(fields.amount.minor, probability), closeMonth: fields.expectedCloseDate.slice(0, 7) };
}

/** The history after a move from the deal's current stage to `to` at `at`: the current stay ends, a new one starts. */
export function moveHistory(history: StageVisit[], pipeline: Pipeline, to: Stage, at: Date, by: string): StageVisit[] {
  const closed = history.map((visit, index) => {
    if (index !== history.length - 1 || visit.exitedAt) return visit;
    const exit = exitOf(pipeline, visit.stageId, to);
    const flags = { left: 1, advanced: exit === "forward" ? 1 : 0, regressed: exit === "back" ? 1 : 0, lost: exit === "lost" ? 1 : 0 };
    return { ...visit, exitedAt: at, exit, ...flags, durationMs: at.getTime() - visit.enteredAt.getTime() };
  });
  return [...closed, { stageId: to.id, stageName: to.name, enteredAt: at, movedBy: by }];
}

function exitOf(pipeline: Pipeline, fromId: string, to: Stage): "forward" | "back" | "lost" {
  if (to.kind === "lost") return "lost";
  if (to.kind === "won") return "forward";
  const from = pipeline.stages.findIndex((stage) => stage.id === fromId);
  const next = pipeline.stages.findIndex((stage) => stage.id === to.id);
  // A stage removed from the pipeline since (index -1), or a reopened won or lost deal, goes "back".
  const fromStage = pipeline.stages[from];
  return from >= 0 && fromStage?.kind === "open" && next > from ? "forward" : "back";
}

/** The draft of a stored deal, for updates that change some of its fields. */
export function dealDraftOf(deal: Deal): DealDraft {
  return {
    name: deal.name,
    pipelineId: deal.pipelineId,
    stageId: deal.stageId,
    organizationId: deal.organizationId,
    stakeholders: deal.stakeholders,
    amount: { currencyCode: deal.amount.currency, amountMinor: String(deal.amount.minor) },
    expectedCloseDate: deal.expectedCloseDate,
    probability: deal.probabilityOverride,
    ownerId: deal.ownerId,
    competitors: deal.competitors,
    nextStep: deal.nextStep,
    closeReason: deal.closeReason,
  };
}

/** The contacts a deal involves: its stakeholders. */
export const contactIdsOf = (deal: Pick<DealFields, "stakeholders">) => deal.stakeholders.map((s) => s.contactId);
