import type { Money } from "./money";

/** Counts of one campaign (or one variant): its audience, exclusions and what its messages met. */
export interface Figures {
  audience: number;
  excluded: Record<string, number>;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  bounced: number;
  complained: number;
  unsubscribed: number;
  influencedDeals: number;
  influenced: Money[];
}

export const emptyFigures = (): Figures => ({
  audience: 0, excluded: {}, sent: 0, delivered: 0, opened: 0, clicked: 0, bounced: 0, complained: 0, unsubscribed: 0, influencedDeals: 0, influenced: [],
});

/** Rates as shares of the messages sent (0 when nothing was sent). An open counts once a message was opened or clicked. */
export function rates(figures: Figures) {
  const of = (count: number) => (figures.sent > 0 ? Math.round((count / figures.sent) * 10_000) / 10_000 : 0);
  return {
    deliveryRate: of(figures.delivered),
    openRate: of(figures.opened),
    clickRate: of(figures.clicked),
    bounceRate: of(figures.bounced),
    unsubscribeRate: of(figures.unsubscribed),
  };
}

/** Adds amounts by currency. */
export function addMoney(into: Money[], amount: Money): Money[] {
  const found = into.find((money) => money.currency === amount.currency);
  if (found) found.amountMinor += amount.amountMinor;
  else into.push({ ...amount });
  return into;
}

/** The campaign's figures as the sum of its variants'. */
export function totalOf(variants: Iterable<Figures>): Figures {
  const total = emptyFigures();
  for (const figures of variants) {
    for (const key of ["audience", "sent", "delivered", "opened", "clicked", "bounced", "complained", "unsubscribed"] as const) total[key] += figures[key];
    for (const [reason, count] of Object.entries(figures.excluded)) total.excluded[reason] = (total.excluded[reason] ?? 0) + count;
  }
  return total;
}
