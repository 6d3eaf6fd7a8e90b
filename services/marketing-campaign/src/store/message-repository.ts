import { isDuplicateKey, type ModelOutbox, type Page, paginate } from "@crm/kit";
import type { commonV1 } from "@crm/proto";
import { ENGAGED, FLAG_OF, type ResponseName } from "../domain/response";
import { messageSent } from "../events/message-events";
import type { MessageDocument, MessageModel } from "./message.model";

export type NewMessage = Omit<MessageDocument, "outbox" | "outboxSince" | "responses">;

const HISTORY_FIELDS = { sentAt: { path: "sentAt", type: "date" as const, sortable: true } };

/** Per-variant counts of what the messages of a campaign met. */
export interface MessageCounts {
  variant: string;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  bounced: number;
  complained: number;
  unsubscribed: number;
}

/**
 * Messages sent and their responses. A message is inserted once its provider confirmed it, with
 * campaign.message_sent in its outbox: the confirmation and its event are one write.
 */
export class MessageRepository {
  constructor(
    private readonly model: MessageModel,
    private readonly outbox: ModelOutbox,
  ) {}

  /** Confirms sends: one insert for the batch; a message confirmed before (a reconciled send) is left as it is. */
  async confirm(messages: NewMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const items = messages.map((message) => ({
      document: { ...message, responses: [] },
      events: [messageSent({ ...message, messageId: message._id })],
      at: message.sentAt,
    }));
    try {
      await this.model.insertMany(items.map(({ document, events, at }) => ({ ...document, outbox: events, outboxSince: at })), { ordered: true });
      this.outbox.inserted(items.map(({ document, events, at }) => ({ id: document._id, events, since: at })));
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Some were confirmed already: insert the others one by one.
      for (const { document, events, at } of items) {
        try {
          await this.model.create({ ...document, outbox: events, outboxSince: at });
          this.outbox.inserted([{ id: document._id, events, since: at }]);
        } catch (single) {
          if (!isDuplicateKey(single)) throw single;
        }
      }
    }
  }

  /** Which of these message ids are confirmed already. */
  async confirmedAmong(tenantId: string, ids: string[]): Promise<Set<string>> {
    const found = await this.model.find({ tenantId, _id: { $in: ids } }, { _id: 1 }).lean();
    return new Set(found.map((message) => message._id));
  }

  async get(tenantId: string, id: string): Promise<MessageDocument | undefined> {
    return (await this.model.findOne({ tenantId, _id: id }, { outbox: 0 }).lean<MessageDocument>()) ?? undefined;
  }

  /**
   * Adds a response to its message, and sets the flag of its kind the first time (metrics count
   * messages, not events). Safe to repeat: the response entry is added once ($addToSet).
   */
  async addResponse(tenantId: string, id: string, response: ResponseName, url: string, at: Date): Promise<void> {
    const flag = FLAG_OF[response];
    await this.model.updateOne({ tenantId, _id: id }, { $addToSet: { responses: { response, url, at } } });
    await this.model.updateOne({ tenantId, _id: id, [flag]: null }, { $set: { [flag]: at } });
    if (ENGAGED.has(response)) await this.model.updateOne({ tenantId, _id: id, respondedAt: null }, { $set: { respondedAt: at } });
  }

  /** A contact's messages, newest first, with cursors. */
  async ofContact(tenantId: string, contactId: string, page: commonV1.PageRequest | undefined): Promise<Page<MessageDocument>> {
    return paginate<MessageDocument>(this.model as never, { tenantId, contactId }, HISTORY_FIELDS, { orderBy: [], page, defaultOrder: { field: "sentAt", descending: true } });
  }

  /**
   * What the messages of a campaign met, per variant: one grouped count per flag (a flag is the
   * time a response of its kind was first seen), each served by the campaign's index.
   */
  async countsByVariant(tenantId: string, campaignId: string): Promise<MessageCounts[]> {
    const byVariant = new Map<string, MessageCounts>();
    const count = async (key: keyof Omit<MessageCounts, "variant">, condition: Record<string, unknown>) => {
      const groups = await this.model.aggregate<{ _id: string | null; count: number }>([
        { $match: { tenantId, campaignId, ...condition } },
        { $group: { _id: "$variant", count: { $sum: 1 } } },
      ]);
      for (const group of groups) {
        const variant = group._id ?? "";
        const counts = byVariant.get(variant) ?? { variant, sent: 0, delivered: 0, opened: 0, clicked: 0, bounced: 0, complained: 0, unsubscribed: 0 };
        counts[key] = group.count;
        byVariant.set(variant, counts);
      }
    };
    const since = { $gte: new Date(0) };
    await count("sent", {});
    await count("delivered", { deliveredAt: since });
    // An open is a message opened or clicked (a click without the open's image loaded is still an open): respondedAt.
    await count("opened", { respondedAt: since });
    await count("clicked", { clickedAt: since });
    await count("bounced", { bouncedAt: since });
    await count("complained", { complainedAt: since });
    await count("unsubscribed", { unsubscribedAt: since });
    return [...byVariant.values()];
  }

  /** The messages the contacts responded to (opened or clicked) before a time, for influence. */
  async engagedBefore(tenantId: string, contactIds: string[], before: Date): Promise<Array<Pick<MessageDocument, "campaignId" | "variant" | "contactId" | "respondedAt">>> {
    if (contactIds.length === 0) return [];
    return this.model.find({ tenantId, contactId: { $in: contactIds }, respondedAt: { $lt: before } }, { campaignId: 1, variant: 1, contactId: 1, respondedAt: 1 }).lean();
  }

  /** Which of these contacts responded to each of these campaigns (for segments). */
  async respondedTo(tenantId: string, campaignIds: string[], contactIds: string[]): Promise<Map<string, Set<string>>> {
    const found = await this.model.find({ tenantId, campaignId: { $in: campaignIds }, contactId: { $in: contactIds }, respondedAt: { $gte: new Date(0) } }, { campaignId: 1, contactId: 1 }).lean();
    const byContact = new Map<string, Set<string>>();
    for (const message of found) byContact.set(message.contactId, (byContact.get(message.contactId) ?? new Set()).add(message.campaignId));
    return byContact;
  }

  async repoint(tenantId: string, from: string, to: string): Promise<number> {
    return (await this.model.updateMany({ tenantId, contactId: from }, { $set: { contactId: to } })).modifiedCount;
  }

  /** Erasure: the subject's messages stay as counts (sent, opened...) without the contact or the address. */
  async eraseContact(tenantId: string, contactIds: string[], addresses: string[], pseudonym: string): Promise<string[]> {
    const conditions = [...(contactIds.length > 0 ? [{ contactId: { $in: contactIds } }] : []), ...(addresses.length > 0 ? [{ address: { $in: addresses } }] : [])];
    if (conditions.length === 0) return [];
    const found = await this.model.find({ tenantId, $or: conditions }, { _id: 1 }).lean();
    const ids = found.map((message) => message._id);
    if (ids.length > 0) await this.model.updateMany({ tenantId, _id: { $in: ids } }, { $set: { contactId: pseudonym, address: "" } });
    return ids;
  }

  /** A subject's messages, for its access export. */
  async ofContacts(tenantId: string, contactIds: string[]): Promise<MessageDocument[]> {
    if (contactIds.length === 0) return [];
    return this.model.find({ tenantId, contactId: { $in: contactIds } }, { outbox: 0 }).sort({ sentAt: -1 }).lean<MessageDocument[]>();
  }
}
