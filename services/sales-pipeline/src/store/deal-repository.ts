import { NotFoundError, PreconditionFailedError, TenantRepository, listFilter, newRecordAudit, paginate, uuidv7, type Actor, type ListQuery, type ModelOutbox, type Page } from "@crm/kit";
import type { commonV1 } from "@crm/proto";
import { derived, moveHistory, type Deal, type DealFields } from "../domain/deal";
import { DEAL_LIST_FIELDS, DEFAULT_DEAL_ORDER } from "../domain/list-fields";
import { stageOf, type Pipeline, type Stage } from "../domain/pipeline";
import { dealCreated, stageEvents } from "../events/deal-events";
import type { DealDocument, DealModel } from "./deal.model";
import { ForecastCells } from "./forecast-cells";
import { cellKeyOf, type ForecastCell } from "../domain/forecast";

/**
 * The only code that reads and writes deals: every write at the version read with its events
 * (deal.created, deal.stage_changed, deal.won, deal.lost), a move with its stage history.
 */
export class DealRepository extends TenantRepository<DealDocument> {
  constructor(
    model: DealModel,
    outbox: ModelOutbox,
    private readonly cells: ForecastCells,
  ) {
    super(model, outbox);
  }

  /** Stores a new deal in its stage (the pipeline's first open one unless given), with its first stay and events. */
  async create(actor: Actor, fields: DealFields, pipeline: Pipeline, stage: Stage, requestKey: string, leadId = ""): Promise<Deal> {
    const now = new Date();
    const id = uuidv7(now.getTime());
    const placed = { ...fields, stageId: stage.id };
    const deal: Deal = {
      ...placed, ...derived(placed, stage), id, tenantId: actor.tenantId, leadId, stageHistory: moveHistory([], pipeline, stage, now, actor.subject),
      ...(stage.kind !== "open" ? { closedAt: now } : {}), ...newRecordAudit(actor, now),
    };
    const events = [dealCreated(deal), ...stageEvents(deal, "", actor.subject, now)];
    const stored = toDeal(await this.insertOnce({ ...toDocument(deal), requestKey: requestKey || id, cellsPendingSince: now }, events, now));
    await this.cells.settleAfterWrite(ForecastCells.pendingOf(actor.tenantId, stored, undefined, stored.id, now));
    return stored;
  }

  async get(tenantId: string, id: string): Promise<Deal> {
    const document = await this.findDocument(tenantId, id);
    if (!document) throw new NotFoundError(`deal ${id} not found`);
    return toDeal(document);
  }

  /** The deal a create with this request key made, if any (a conversion resumed after a crash). */
  async byRequestKey(tenantId: string, requestKey: string): Promise<Deal | undefined> {
    const document = await this.model.findOne({ tenantId, requestKey }, { outbox: 0 }).lean<DealDocument>();
    return document ? toDeal(document) : undefined;
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<Deal>> {
    const page = await this.page(tenantId, query, { fields: DEAL_LIST_FIELDS, defaultOrder: DEFAULT_DEAL_ORDER });
    return { items: page.items.map(toDeal), pageInfo: page.pageInfo };
  }

  /**
   * Writes new fields at the version read. A new stage ends the current stay and starts one (with
   * deal.stage_changed, and deal.won or deal.lost for a won or lost stage); leaving a won or lost
   * stage reopens the deal.
   */
  async update(actor: Actor, current: Deal, fields: DealFields, pipeline: Pipeline, now = new Date()): Promise<Deal> {
    const stage = stageOf(pipeline, fields.stageId)!;
    const moved = stage.id !== current.stageId;
    const next: Deal = {
      ...current, ...fields, ...derived(fields, stage), updatedAt: now, updatedBy: actor.subject, version: current.version + 1,
      stageHistory: moved ? moveHistory(current.stageHistory, pipeline, stage, now, actor.subject) : current.stageHistory,
      closedAt: stage.kind === "open" ? undefined : moved ? now : current.closedAt,
    };
    const events = moved ? stageEvents(next, current.stageId, actor.subject, now) : [];
    const { _id, tenantId, createdAt: _c, createdBy: _cb, closedAt, probabilityOverride, ...set } = toDocument(next);
    const unset = { ...(closedAt ? {} : { closedAt: "" }), ...(probabilityOverride === undefined ? { probabilityOverride: "" } : {}) };
    const pending = ForecastCells.pendingOf(tenantId, next, cellKeyOf(current), _id, now);
    const marks = { cellsPendingSince: now, staleCells: pending.cellIds.slice(1) };
    const update = { $set: { ...set, ...marks, ...(closedAt ? { closedAt } : {}), ...(probabilityOverride !== undefined ? { probabilityOverride } : {}) }, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) };
    if (!(await this.updateAtVersion(tenantId, _id, current.version, update, events, now))) {
      throw new PreconditionFailedError(`deal ${current.id} changed since it was read; read it again`);
    }
    await this.cells.settleAfterWrite(pending);
    return next;
  }

  /** How many deals are in a stage (a stage in use cannot be removed without moving them). */
  async countInStage(tenantId: string, pipelineId: string, stageId: string): Promise<number> {
    return this.model.countDocuments({ tenantId, pipelineId, stageId });
  }

  /** Moves every deal of a stage to another, each with its history and events; answers how many. */
  async moveAll(actor: Actor, pipeline: Pipeline, fromStageId: string, to: Stage): Promise<number> {
    let moved = 0;
    for (;;) {
      const batch = (await this.model.find({ tenantId: pipeline.tenantId, pipelineId: pipeline.id, stageId: fromStageId }, { outbox: 0 }).limit(100).lean<DealDocument[]>()).map(toDeal);
      if (batch.length === 0) return moved;
      for (const deal of batch) {
        await this.update(actor, deal, { ...deal, stageId: to.id }, pipeline).then(() => moved++, (error: unknown) => {
          // Changed meanwhile: read again on the next round.
          if (!(error instanceof PreconditionFailedError)) throw error;
        });
      }
    }
  }

  /** One page of a stage's deals matching the filter. */
  async column(tenantId: string, pipelineId: string, stageId: string, filter: commonV1.Filter | undefined, page: commonV1.PageRequest): Promise<Page<Deal>> {
    const rows = await paginate<DealDocument>(this.model, listFilter(tenantId, filter, DEAL_LIST_FIELDS, { pipelineId, stageId }), DEAL_LIST_FIELDS, { orderBy: [], page, defaultOrder: DEFAULT_DEAL_ORDER });
    return { items: rows.items.map(toDeal), pageInfo: rows.pageInfo };
  }

  /**
   * The deals matching a query, counted and summed as forecast cells (one per stage, owner, close
   * month and currency): for a forecast or a board narrowed by a filter, which the stored cells
   * cannot answer.
   */
  async cellsMatching(where: Record<string, unknown>): Promise<ForecastCell[]> {
    const id = { stageId: "$stageId", ownerId: "$ownerId", closeMonth: "$closeMonth", currency: "$amount.currency" };
    const rows = await this.model.aggregate<{ _id: Omit<ForecastCell, "pipelineId" | "count" | "total" | "weighted">; count: number; total: number; weighted: number }>([
      { $match: where },
      { $group: { _id: id, count: { $sum: 1 }, total: { $sum: "$amount.minor" }, weighted: { $sum: "$weightedMinor" } } },
    ]);
    return rows.map((row) => ({ ...row._id, pipelineId: String(where.pipelineId ?? ""), count: row.count, total: row.total, weighted: row.weighted }));
  }

  /** The forecast's deals: a pipeline's, expected to close in the range, narrowed by the caller's filter. */
  forecastFilter(tenantId: string, pipelineId: string, closeFrom: string, closeTo: string, filter: commonV1.Filter | undefined): Record<string, unknown> {
    const range = { ...(closeFrom ? { $gte: closeFrom } : {}), ...(closeTo ? { $lte: closeTo } : {}) };
    return listFilter(tenantId, filter, DEAL_LIST_FIELDS, { pipelineId, ...(Object.keys(range).length > 0 ? { expectedCloseDate: range } : {}) });
  }

  /** Per stage, the stays begun in [from, to): how many, how they ended, and their total length once ended. */
  async stageStays(tenantId: string, pipelineId: string, from: Date, to: Date): Promise<Array<{ stageId: string; entered: number; left: number; advanced: number; regressed: number; lost: number; durationMs: number }>> {
    const range = { $gte: from, $lt: to };
    const pipeline = [{ $match: { tenantId, pipelineId, "stageHistory.enteredAt": range } }, { $unwind: "$stageHistory" }, { $match: { "stageHistory.enteredAt": range } }];
    type Stays = { _id: string; entered: number; left: number; advanced: number; regressed: number; lost: number; durationMs: number };
    const rows = await this.model.aggregate<Stays>([
      ...pipeline,
      {
        $group: {
          _id: "$stageHistory.stageId",
          entered: { $sum: 1 },
          left: { $sum: "$stageHistory.left" },
          advanced: { $sum: "$stageHistory.advanced" },
          regressed: { $sum: "$stageHistory.regressed" },
          lost: { $sum: "$stageHistory.lost" },
          durationMs: { $sum: "$stageHistory.durationMs" },
        },
      },
    ]);
    return rows.map(({ _id, ...counts }) => ({ stageId: String(_id), ...counts }));
  }

  /** Deals of the pipeline closed (won or lost) in [from, to), by status. */
  async closedIn(tenantId: string, pipelineId: string, from: Date, to: Date): Promise<{ won: number; lost: number }> {
    const closedAt = { $gte: from, $lt: to };
    const [won, lost] = await Promise.all([
      this.model.countDocuments({ tenantId, pipelineId, status: "won", closedAt }),
      this.model.countDocuments({ tenantId, pipelineId, status: "lost", closedAt }),
    ]);
    return { won, lost };
  }

  /** Open deals where the contact is a stakeholder, for the customer 360. */
  async ofContact(tenantId: string, contactId: string, status?: Deal["status"]): Promise<Deal[]> {
    return (await this.model.find({ tenantId, "stakeholders.contactId": contactId, ...(status ? { status } : {}) }, { outbox: 0 }).sort({ updatedAt: -1 }).limit(100).lean<DealDocument[]>()).map(toDeal);
  }

  /** The merged contact's stakes now belong to the survivor (once: a survivor already there keeps its role). */
  async repointStakeholder(tenantId: string, mergedId: string, survivorId: string): Promise<number> {
    let changed = 0;
    for (const deal of await this.ofContact(tenantId, mergedId)) {
      const stakeholders = deal.stakeholders
        .map((s) => (s.contactId === mergedId ? { ...s, contactId: survivorId } : s))
        .filter((s, index, all) => all.findIndex((other) => other.contactId === s.contactId) === index);
      const result = await this.model.updateOne({ _id: deal.id, tenantId }, { $set: { stakeholders, updatedAt: new Date() }, $inc: { version: 1 } });
      changed += result.modifiedCount;
    }
    return changed;
  }

  /** Takes erased contacts out of the deals they were stakeholders of; answers how many deals changed. */
  async removeStakeholders(tenantId: string, contactIds: string[]): Promise<number> {
    let changed = 0;
    for (const contactId of contactIds) {
      for (const deal of await this.ofContact(tenantId, contactId)) {
        const stakeholders = deal.stakeholders.filter((s) => !contactIds.includes(s.contactId));
        changed += (await this.model.updateOne({ _id: deal.id, tenantId }, { $set: { stakeholders, updatedAt: new Date(), updatedBy: "service:sales-pipeline" }, $inc: { version: 1 } })).modifiedCount;
      }
    }
    return changed;
  }
}

function toDocument(deal: Deal): Omit<DealDocument, "requestKey" | "outbox" | "outboxSince"> {
  const { id, ...rest } = deal;
  const document = { ...rest, _id: id };
  if (document.closedAt === undefined) delete document.closedAt;
  if (document.probabilityOverride === undefined) delete document.probabilityOverride;
  return document;
}

export function toDeal(document: Partial<DealDocument> & Pick<DealDocument, "_id">): Deal {
  const { _id, requestKey: _key, outbox: _outbox, outboxSince: _since, cellsPendingSince: _pending, staleCells: _stale, ...fields } = document;
  return { ...(fields as Omit<Deal, "id">), id: _id };
}
