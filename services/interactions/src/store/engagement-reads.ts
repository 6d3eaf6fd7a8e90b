import { countEngagement, engagementSince, type EngagementWindow } from "../domain/engagement";
import type { InteractionKind } from "../domain/interaction-details";
import { refKey } from "../domain/links";
import { interactionSummary } from "../domain/summary";
import type { InteractionDocument, InteractionModel } from "./interaction.model";

export interface LastInteraction {
  interactionId: string;
  kind: InteractionKind;
  occurredAt: Date;
  summary: string;
}

export interface ContactEngagement {
  contactId: string;
  lastInteraction: LastInteraction | undefined;
  windows: EngagementWindow[];
}

type Counted = Pick<InteractionDocument, "_id" | "occurredAt" | "refs" | "details" | "subject">;

/**
 * Engagement per contact, read from the interactions themselves through the refs index (so it is
 * always current, merges and deletions included): counts by kind over the last 30, 90 and 365
 * days, and the latest interaction that has happened (one planned for later is not the last yet).
 */
export class EngagementReads {
  constructor(private readonly model: InteractionModel) {}

  async of(tenantId: string, contactIds: string[], now = new Date()): Promise<ContactEngagement[]> {
    const refs = contactIds.map((id) => refKey({ type: "contact", id }));
    const counted = await this.model
      .find({ tenantId, state: "active", refs: { $in: refs }, occurredAt: { $gte: engagementSince(now), $lte: now } }, { occurredAt: 1, refs: 1, details: 1, subject: 1 })
      .lean<Counted[]>();
    return Promise.all(
      contactIds.map(async (contactId, i) => {
        const own = counted.filter((document) => document.refs.includes(refs[i]!));
        const windows = countEngagement(own.map((document) => ({ kind: document.details.kind, occurredAt: document.occurredAt })), now);
        // The year's interactions are at hand; only a contact quiet for a year needs a read of its own.
        const latest = own.length > 0 ? own.reduce(later) : await this.latestBefore(tenantId, refs[i]!, now);
        return { contactId, windows, lastInteraction: latest && toLast(latest) };
      }),
    );
  }

  private async latestBefore(tenantId: string, ref: string, now: Date): Promise<Counted | undefined> {
    const found = await this.model
      .findOne({ tenantId, state: "active", refs: ref, occurredAt: { $lte: now } }, { occurredAt: 1, refs: 1, details: 1, subject: 1 })
      .sort({ occurredAt: -1, _id: -1 })
      .lean<Counted>();
    return found ?? undefined;
  }
}

const later = (a: Counted, b: Counted) => (b.occurredAt.getTime() > a.occurredAt.getTime() || (b.occurredAt.getTime() === a.occurredAt.getTime() && b._id > a._id) ? b : a);

function toLast(document: Counted): LastInteraction {
  return { interactionId: document._id, kind: document.details.kind, occurredAt: document.occurredAt, summary: interactionSummary(document) };
}
