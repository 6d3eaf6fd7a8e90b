import { uuidv7, type RecordAudit } from "@crm/kit";
import { Violations } from "./checks";

export const STAGE_KINDS = ["open", "won", "lost"] as const;
export type StageKind = (typeof STAGE_KINDS)[number];
const MAX_STAGES = 30;

export interface Stage {
  id: string;
  name: string;
  /** Default win probability in percent. */
  probability: number;
  kind: StageKind;
}

export interface PipelineFields {
  name: string;
  stages: Stage[];
}

export interface Pipeline extends PipelineFields, RecordAudit {
  id: string;
  tenantId: string;
}

/**
 * A pipeline's rules: a name; ordered stages with unique names, open ones first, then at least one
 * won (probability 100) and one lost (probability 0); existing stages keep their ids (any other
 * given id is refused), new ones get one.
 */
export function preparePipeline(draft: PipelineFields, existing: Stage[] = []): PipelineFields {
  const v = new Violations();
  const name = v.text(draft.name, "pipeline.name");
  if (!name) v.add("pipeline.name", "is required");
  if (draft.stages.length > MAX_STAGES) v.add("pipeline.stages", `takes at most ${MAX_STAGES} stages`);
  const known = new Set(existing.map((stage) => stage.id));
  const names = new Set<string>();
  let terminalSeen = false;
  const stages = draft.stages.map((stage, index): Stage => {
    const at = `pipeline.stages[${index}]`;
    const stageName = v.text(stage.name, `${at}.name`, 100);
    if (!stageName) v.add(`${at}.name`, "is required");
    if (names.has(stageName.toLowerCase())) v.add(`${at}.name`, "is the name of another stage");
    names.add(stageName.toLowerCase());
    const kind = v.oneOf(stage.kind, STAGE_KINDS, `${at}.kind`, "open");
    if (kind === "open" && terminalSeen) v.add(`${at}.kind`, "open stages come before the won and lost ones");
    if (kind !== "open") terminalSeen = true;
    const expected = kind === "won" ? 100 : kind === "lost" ? 0 : undefined;
    let probability = stage.probability;
    if (!Number.isInteger(probability) || probability < 0 || probability > 100) v.add(`${at}.probability`, "must be a whole percent from 0 to 100");
    if (expected !== undefined) {
      if (probability !== expected && probability !== 0) v.add(`${at}.probability`, `of a ${kind} stage is ${expected}`);
      probability = expected;
    }
    const id = stage.id.trim();
    if (id && !known.has(id)) v.add(`${at}.id`, "is not a stage of this pipeline (leave it empty for a new stage)");
    return { id: id || uuidv7(), name: stageName, probability, kind };
  });
  const ids = stages.map((stage) => stage.id);
  if (new Set(ids).size !== ids.length) v.add("pipeline.stages", "lists a stage twice");
  if (!stages.some((stage) => stage.kind === "open")) v.add("pipeline.stages", "needs at least one open stage");
  if (!stages.some((stage) => stage.kind === "won")) v.add("pipeline.stages", "needs a won stage");
  if (!stages.some((stage) => stage.kind === "lost")) v.add("pipeline.stages", "needs a lost stage");
  v.throwIfAny();
  return { name, stages };
}

/** Stages of `before` that `after` no longer has. */
export function removedStages(before: Stage[], after: Stage[]): Stage[] {
  const kept = new Set(after.map((stage) => stage.id));
  return before.filter((stage) => !kept.has(stage.id));
}

export function stageOf(pipeline: PipelineFields, stageId: string): Stage | undefined {
  return pipeline.stages.find((stage) => stage.id === stageId);
}

/** The stage a deal starts in when none is given: the first open one. */
export function firstOpenStage(pipeline: PipelineFields): Stage {
  return pipeline.stages.find((stage) => stage.kind === "open")!;
}
