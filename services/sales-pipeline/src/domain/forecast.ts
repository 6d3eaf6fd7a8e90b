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
