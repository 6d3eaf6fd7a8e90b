import type { ConsentStatus } from "./consent";

/** What a merge does to the survivor's consent on one purpose and channel, and why. */
export interface MergeStep {
  status: ConsentStatus;
  note: string;
}

/**
 * The consents of a merged contact follow the survivor: where the survivor has none, the merged
 * contact's is copied; where both have one and they disagree, the most restrictive (withdrawn)
 * stays, and the ledger records why. Undefined: the survivor's consent stands unremarked.
 */
export function mergeStep(survivor: ConsentStatus | undefined, merged: ConsentStatus | undefined, mergedId: string): MergeStep | undefined {
  if (!merged) return undefined;
  if (!survivor) return { status: merged, note: `followed contact ${mergedId}, merged into this one` };
  if (survivor === merged) return undefined;
  return survivor === "granted"
    ? { status: "withdrawn", note: `merge conflict: contact ${mergedId} had withdrawn, this one had granted; the most restrictive state is kept` }
    : { status: "withdrawn", note: `merge conflict: contact ${mergedId} had granted, this one had withdrawn; the most restrictive state is kept` };
}
