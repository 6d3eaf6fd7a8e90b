import { uuidv7Time } from "@crm/kit";
import type { Matchable } from "./comparisons";
import { rankCandidates, type Candidate } from "./duplicates";
import { scoreContact, type KeyCounts } from "./person-match";

/** How long a claimed identifier without its contact counts as a create in flight. */
const IN_FLIGHT_MS = 60_000;

/** A stored record as scoring reads it. */
export type ScoredRecord = Matchable & { id: string; displayName: string; state: string };

/**
 * Scores the chosen records against the subject, best first. An identifier claimed a moment ago
 * by a record not stored yet is a create in flight: as strong a match as a stored one. An old
 * claim without a record is a crash's leftover, and is ignored.
 */
export function scoreCandidates(
  subject: Matchable, ids: string[], identityHolders: readonly string[], recordOf: (id: string) => ScoredRecord | undefined, counts: KeyCounts, now = Date.now(),
): Candidate[] {
  const scored: Candidate[] = [];
  for (const id of ids) {
    const other = recordOf(id);
    if (other) {
      if (other.state === "active") scored.push(scoreContact(subject, other, counts));
    } else if (identityHolders.includes(id) && now - (uuidv7Time(id) ?? 0) < IN_FLIGHT_MS) {
      scored.push({ id, externalId: "", displayName: "", score: 1, reasons: ["being created with the same identifier"], evidence: [] });
    }
  }
  return rankCandidates(scored);
}
