import type { InteractionKind } from "./interaction-details";

/** Days each engagement window looks back from now. */
export const ENGAGEMENT_WINDOWS = [30, 90, 365] as const;
const DAY_MS = 24 * 3600 * 1000;

export interface EngagementWindow {
  days: number;
  counts: Record<string, number>;
  total: number;
}

/** Counts interactions by kind in each window ending now; interactions planned for later do not count yet. */
export function countEngagement(interactions: Array<{ kind: InteractionKind; occurredAt: Date }>, now: Date): EngagementWindow[] {
  return ENGAGEMENT_WINDOWS.map((days) => {
    const since = now.getTime() - days * DAY_MS;
    const counts: Record<string, number> = {};
    let total = 0;
    for (const { kind, occurredAt } of interactions) {
      const at = occurredAt.getTime();
      if (at < since || at > now.getTime()) continue;
      counts[kind] = (counts[kind] ?? 0) + 1;
      total++;
    }
    return { days, counts, total };
  });
}

/** Where the longest window starts. */
export const engagementSince = (now: Date): Date => new Date(now.getTime() - Math.max(...ENGAGEMENT_WINDOWS) * DAY_MS);
