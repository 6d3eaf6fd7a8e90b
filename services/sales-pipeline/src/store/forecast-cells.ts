import { isDuplicateKey, type Logger } from "@crm/kit";
import { cellId, cellKeyOf, keyOfCellId, type CellKey, type ForecastCell } from "../domain/forecast";
import type { DealDocument, DealModel } from "./deal.model";
import type { ForecastCellDocument, ForecastCellModel } from "./forecast-cell.model";

/** A deal whose cells are to be computed again: its current one, and those it left. */
export interface PendingCells {
  tenantId: string;
  dealId: string;
  cellIds: string[];
  since: Date;
}

/**
 * Keeps the forecast cells current. A deal's write marks it (`cellsPendingSince`, with the cells it
 * left in `staleCells`) in the same update; then each cell concerned is computed again from its
 * deals (an indexed read of the few deals of one key) and the mark is cleared. A crash in between
 * leaves the mark, which the sweep finds: the cells come right, never counted twice.
 */
export class ForecastCells {
  constructor(
    private readonly cells: ForecastCellModel,
    private readonly deals: DealModel,
    private readonly log: Logger,
  ) {}

  /** The cells of a deal as it now is, and of the keys it had before (when they differ). */
  static pendingOf(tenantId: string, deal: Parameters<typeof cellKeyOf>[0], before: CellKey | undefined, dealId: string, since: Date): PendingCells {
    const ids = [cellId(tenantId, cellKeyOf(deal)), ...(before ? [cellId(tenantId, before)] : [])];
    return { tenantId, dealId, cellIds: [...new Set(ids)], since };
  }

  async settle(pending: PendingCells): Promise<void> {
    for (const id of pending.cellIds) await this.refresh(id);
    await this.deals.updateOne({ _id: pending.dealId, tenantId: pending.tenantId, cellsPendingSince: pending.since }, { $unset: { cellsPendingSince: "", staleCells: "" } });
  }

  /** settle() right after a deal's write: a failure leaves the deal marked for the sweep, and the write stands. */
  async settleAfterWrite(pending: PendingCells): Promise<void> {
    await this.settle(pending).catch((error: unknown) => this.log.warn({ err: error, dealId: pending.dealId }, "forecast cells not updated with the deal; the sweep will"));
  }

  /** Computes one cell again from its deals; removes it when none is left. */
  async refresh(id: string): Promise<void> {
    const { tenantId, key } = keyOfCellId(id);
    const asOf = new Date();
    const deals = await this.deals
      .find({ tenantId, pipelineId: key.pipelineId, stageId: key.stageId, ownerId: key.ownerId, closeMonth: key.closeMonth, "amount.currency": key.currency }, { amount: 1, weightedMinor: 1 })
      .lean<Array<Pick<DealDocument, "amount" | "weightedMinor">>>();
    const older = { $or: [{ asOf: { $lt: asOf } }, { asOf: { $exists: false } }] };
    if (deals.length === 0) {
      await this.cells.deleteOne({ _id: id, tenantId, ...older });
      return;
    }
    const cell: ForecastCellDocument = {
      _id: id, tenantId, ...key, asOf,
      count: deals.length,
      total: deals.reduce((sum, deal) => sum + deal.amount.minor, 0),
      weighted: deals.reduce((sum, deal) => sum + deal.weightedMinor, 0),
    };
    try {
      await this.cells.replaceOne({ _id: id, tenantId, ...older }, cell, { upsert: true });
    } catch (error) {
      // A newer computation of the cell is stored: the upsert collided with it; keep that one.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** A pipeline's cells (one stage's, when given), those of the close months in [from, to] when given (months YYYY-MM). */
  async of(tenantId: string, pipelineId: string, months: { from?: string; to?: string } = {}, stageId?: string): Promise<ForecastCell[]> {
    const closeMonth = { ...(months.from ? { $gte: months.from } : {}), ...(months.to ? { $lte: months.to } : {}) };
    const documents = await this.cells
      .find({ tenantId, pipelineId, ...(stageId ? { stageId } : {}), ...(Object.keys(closeMonth).length > 0 ? { closeMonth } : {}) }, { pipelineId: 1, stageId: 1, ownerId: 1, closeMonth: 1, currency: 1, count: 1, total: 1, weighted: 1 })
      .lean<ForecastCellDocument[]>();
    return documents.map(({ pipelineId: p, stageId, ownerId, closeMonth: month, currency, count, total, weighted }) => ({ pipelineId: p, stageId, ownerId, closeMonth: month, currency, count, total, weighted }));
  }

  /** One pass of the sweep: deals marked before `before` whose cells were not computed again. Answers how many. */
  async sweep(before: Date, batch: number): Promise<number> {
    const marked = await this.deals.collection
      .find({ cellsPendingSince: { $lt: before } }, { projection: { tenantId: 1, pipelineId: 1, stageId: 1, ownerId: 1, closeMonth: 1, amount: 1, staleCells: 1, cellsPendingSince: 1 } })
      .limit(batch)
      .toArray();
    for (const deal of marked) {
      const tenantId = deal.tenantId as string;
      const current = cellId(tenantId, cellKeyOf(deal as unknown as Parameters<typeof cellKeyOf>[0]));
      await this.settle({ tenantId, dealId: String(deal._id), cellIds: [...new Set([current, ...((deal.staleCells as string[] | undefined) ?? [])])], since: deal.cellsPendingSince as Date });
    }
    if (marked.length > 0) this.log.info({ deals: marked.length }, "forecast cells brought up to date after interrupted deal writes");
    return marked.length;
  }
}
