import type { Money } from "./money";

/** A deal won, as sales-pipeline announced it (crm.sales-pipeline.deal.won). */
export interface DealWin {
  dealId: string;
  wonAt: Date;
  amount: Money | undefined;
  contactIds: string[];
}

/** A message of a campaign to one of the deal's contacts, and when that contact first responded to it. */
export interface EngagedMessage {
  campaignId: string;
  variant: string;
  contactId: string;
  respondedAt: Date;
}

/** One campaign's part in a win: the deal counts once per campaign, with the first responding message's variant. */
export interface Influence {
  campaignId: string;
  variant: string;
  dealId: string;
  wonAt: Date;
  amount: Money | undefined;
  contactIds: string[];
}

/**
 * The campaigns that influenced a win: those whose messages a contact of the deal responded to
 * (opened or clicked) before the deal was won. A response after the win influenced nothing.
 */
export function influencesOf(win: DealWin, messages: readonly EngagedMessage[]): Influence[] {
  const byCampaign = new Map<string, Influence>();
  const before = messages.filter((message) => message.respondedAt.getTime() < win.wonAt.getTime()).sort((a, b) => a.respondedAt.getTime() - b.respondedAt.getTime());
  for (const message of before) {
    const found = byCampaign.get(message.campaignId);
    if (found) {
      if (!found.contactIds.includes(message.contactId)) found.contactIds.push(message.contactId);
      continue;
    }
    byCampaign.set(message.campaignId, { campaignId: message.campaignId, variant: message.variant, dealId: win.dealId, wonAt: win.wonAt, amount: win.amount, contactIds: [message.contactId] });
  }
  return [...byCampaign.values()];
}
