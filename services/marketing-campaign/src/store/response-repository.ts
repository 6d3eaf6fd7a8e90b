import { isDuplicateKey, type ModelOutbox } from "@crm/kit";
import { responseRecorded, type ResponseFacts } from "../events/message-events";
import type { ResponseModel } from "./response.model";

/** Provider events recorded once each (by the provider's event id), with campaign.response_recorded. */
export class ResponseRepository {
  constructor(
    private readonly model: ResponseModel,
    private readonly outbox: ModelOutbox,
  ) {}

  /** Whether this provider event was recorded already (a webhook delivered again). */
  async seen(tenantId: string, eventId: string): Promise<boolean> {
    return (await this.model.countDocuments({ tenantId, _id: `${tenantId}|${eventId}` })) > 0;
  }

  /** Records it with its event; false when it was recorded already (the same event id). */
  async record(eventId: string, facts: ResponseFacts, now = new Date()): Promise<boolean> {
    const event = responseRecorded(facts);
    const _id = `${facts.tenantId}|${eventId}`;
    try {
      await this.model.create({
        _id, tenantId: facts.tenantId, messageId: facts.messageId, campaignId: facts.campaignId, contactId: facts.contactId,
        response: facts.response, url: facts.linkUrl, occurredAt: facts.occurredAt, recordedAt: now, outbox: [event], outboxSince: now,
      });
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    this.outbox.inserted([{ id: _id, events: [event], since: now }]);
    return true;
  }

  async repoint(tenantId: string, from: string, to: string): Promise<void> {
    await this.model.updateMany({ tenantId, contactId: from }, { $set: { contactId: to } });
  }

  /** Erasure: responses keep their counts, not the contact nor the link it followed. */
  async eraseContact(tenantId: string, contactIds: string[], messageIds: string[], pseudonym: string): Promise<number> {
    const conditions = [...(contactIds.length > 0 ? [{ contactId: { $in: contactIds } }] : []), ...(messageIds.length > 0 ? [{ messageId: { $in: messageIds } }] : [])];
    if (conditions.length === 0) return 0;
    return (await this.model.updateMany({ tenantId, $or: conditions }, { $set: { contactId: pseudonym, url: "" } })).modifiedCount;
  }
}
