import type { Pipeline, Stage } from "./pipeline";

/** One group's totals in one currency, as the store sums them. */
export interface Totals {
  key: string;
  currency: string;
  count: number;
  total: number;
  weighted: number;
}

export interface ForecastRow {
  key: string;
  label: string;
  currencyCode: string;
  dealCount: string;
  totalMinor: string;
  weightedMinor: string;
}

/**
 * The forecast's rows: by stage in the pipeline's order, by owner, by close month, and the totals,
 * each per currency (amounts in different currencies are never added together).
 */
export function forecastRows(pipeline: Pipeline, groups: { byStage: Totals[]; byOwner: Totals[]; byMonth: Totals[]; totals: Totals[] }) {
  const position = new Map(pipeline.stages.map((stage, index) => [stage.id, index]));
  const row = (label: (t: Totals) => string) => (t: Totals): ForecastRow => ({ key: t.key, label: label(t), currencyCode: t.currency, dealCount: String(t.count), totalMinor: String(t.total), weightedMinor: String(t.weighted) });
  const byKeyThenCurrency = (a: Totals, b: Totals) => a.key.localeCompare(b.key) || a.currency.localeCompare(b.currency);
  return {
    byStage: [...groups.byStage]
      .sort((a, b) => (position.get(a.key) ?? 99) - (position.get(b.key) ?? 99) || a.currency.localeCompare(b.currency))
      .map(row((t) => pipeline.stages.find((stage) => stage.id === t.key)?.name ?? t.key)),
    byOwner: [...groups.byOwner].sort(byKeyThenCurrency).map(row((t) => t.key || "(no owner)")),
    byCloseMonth: [...groups.byMonth].sort(byKeyThenCurrency).map(row((t) => t.key || "(no close date)")),
    totals: [...groups.totals].sort(byKeyThenCurrency).map(row(() => "total")),
  };
}

/** Per stage, the stays begun in a range, as the store sums them. */
export interface StageStays {
  stageId: string;
  entered: number;
  left: number;
  advanced: number;
  regressed: number;
  lost: number;
  durationMs: number;
}

/**
 * Stage conversion over a range: for each stage in order, the stays begun in it, how many left
 * forward (the conversion rate is advanced / entered), and the mean days of the stays that ended;
 * and the win rate of the deals closed in the range.
 */
export function conversionFigures(pipeline: Pipeline, stays: StageStays[], closed: { won: number; lost: number }) {
  const stages = pipeline.stages.map((stage: Stage) => {
    const s = stays.find((row) => row.stageId === stage.id) ?? { entered: 0, left: 0, advanced: 0, regressed: 0, lost: 0, durationMs: 0 };
    return {
      stage,
      entered: s.entered,
      advanced: s.advanced,
      regressed: s.regressed,
      lost: s.lost,
      conversionRate: s.entered > 0 ? s.advanced / s.entered : 0,
      averageDays: s.left > 0 ? s.durationMs / s.left / 86_400_000 : 0,
    };
  });
  const decided = closed.won + closed.lost;
  return { stages, won: closed.won, lost: closed.lost, winRate: decided > 0 ? closed.won / decided : 0 };
}

/** Where a deal counts in the forecast: its pipeline, stage, owner, close month and currency. */
export interface CellKey {
  pipelineId: string;
  stageId: string;
  ownerId: string;
  closeMonth: string;
  currency: string;
}

/** A forecast cell: the deals of one key, counted and summed. */
export interface ForecastCell extends CellKey {
  count: number;
  total: number;
  weighted: number;
}

export function cellKeyOf(deal: { pipelineId: string; stageId: string; ownerId: string; closeMonth: string; amount: { currency: string } }): CellKey {
  return { pipelineId: deal.pipelineId, stageId: deal.stageId, ownerId: deal.ownerId, closeMonth: deal.closeMonth, currency: deal.amount.currency };
}

/** A cell's id in its tenant: the key's parts, unambiguous whatever they contain. */
export const cellId = (tenantId: string, key: CellKey) => JSON.stringify([tenantId, key.pipelineId, key.stageId, key.ownerId, key.closeMonth, key.currency]);

export function keyOfCellId(id: string): { tenantId: string; key: CellKey } {
  const [tenantId, pipelineId, stageId, ownerId, closeMonth, currency] = JSON.parse(id) as string[];
  return { tenantId: tenantId!, key: { pipelineId: pipelineId!, stageId: stageId!, ownerId: ownerId!, closeMonth: closeMonth!, currency: currency! } };
}

/**
 * The months a close-date range covers when it covers them whole (from a 1st to a month's last
 * day, either end open), so that the forecast can be read from its monthly cells; undefined for
 * a range that cuts a month, which is summed from the deals themselves.
 */
export function wholeMonths(closeFrom: string, closeTo: string): { from?: string; to?: string } | undefined {
  if (closeFrom && !closeFrom.endsWith("-01")) return undefined;
  if (closeTo) {
    const next = new Date(`${closeTo}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    if (next.getUTCDate() !== 1) return undefined;
  }
  return { ...(closeFrom ? { from: closeFrom.slice(0, 7) } : {}), ...(closeTo ? { to: closeTo.slice(0, 7) } : {}) };
}

/** Totals by stage, owner, close month and overall, per currency, from the finest cells. */
export function rollUp(cells: ForecastCell[]): { byStage: Totals[]; byOwner: Totals[]; byMonth: Totals[]; totals: Totals[] } {
  const by = (key: (cell: ForecastCell) => string) => {
    const groups = new Map<string, Totals>();
    for (const cell of cells) {
      const id = JSON.stringify([key(cell), cell.currency]);
      const group = groups.get(id) ?? { key: key(cell), currency: cell.currency, count: 0, total: 0, weighted: 0 };
      group.count += cell.count;
      group.total += cell.total;
      group.weighted += cell.weighted;
      groups.set(id, group);
    }
    return [...groups.values()].filter((group) => group.count > 0);
  };
  return { byStage: by((c) => c.stageId), byOwner: by((c) => c.ownerId), byMonth: by((c) => c.closeMonth), totals: by(() => "total") };
}
