import type { FeedbackRepository } from "./feedback-repository";
import type { TicketRepository } from "./ticket-repository";

/**
 * What a contacts merge does here: the merged contact's tickets (and feedback) move to the
 * survivor, remembering where they came from, so that an undone merge gives them back. Both are
 * idempotent updates: an event handled twice changes nothing the second time.
 */
export class RequesterMerges {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly feedback: FeedbackRepository,
  ) {}

  async merged(tenantId: string, mergedId: string, survivorId: string): Promise<number> {
    const ids = (await this.tickets.ofRequesters(tenantId, [mergedId])).map((ticket) => ticket.id);
    await this.feedback.setRequester(tenantId, ids, survivorId);
    return this.tickets.moveRequester(tenantId, ids, { $set: { requesterId: survivorId }, $addToSet: { mergedFrom: mergedId } });
  }

  async undone(tenantId: string, restoredId: string): Promise<number> {
    const back = await this.tickets.ofRequesters(tenantId, [restoredId], "mergedFrom");
    const ids = back.map((ticket) => ticket.id);
    await this.feedback.setRequester(tenantId, ids, restoredId);
    return this.tickets.moveRequester(tenantId, ids, { $set: { requesterId: restoredId }, $pull: { mergedFrom: restoredId } });
  }
}
