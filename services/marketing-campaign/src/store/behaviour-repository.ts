import { isDuplicateKey } from "@crm/kit";
import { NO_BEHAVIOUR, type BehaviourCondition, type BehaviourFacts } from "../domain/behaviour";
import type { DealModel } from "./deal.model";
import type { MessageRepository } from "./message-repository";
import type { OrderModel } from "./order.model";
import type { TicketModel } from "./ticket.model";

/** Order statuses whose amounts are not (or no longer) the customer's value. */
const NOT_COUNTED = ["cancelled", "refunded"];

export interface OrderFacts {
  orderId: string;
  contactId: string;
  currency: string;
  amountMinor: number;
  skus: string[];
  status: string;
  at: Date;
}

export interface DealFacts {
  dealId: string;
  stageId: string;
  open: boolean;
  contactIds: string[];
  at: Date;
}

/**
 * The projection of other services' events that segments ask about: orders, deals and tickets
 * by contact. Each event is applied once and in order of occurrence: a document keeps the time
 * of the last event applied, and an older one arriving late (or again) changes nothing.
 */
export class BehaviourRepository {
  constructor(
    private readonly models: { orders: OrderModel; deals: DealModel; tickets: TicketModel },
    private readonly messages: MessageRepository,
  ) {}

  async applyOrder(tenantId: string, order: OrderFacts): Promise<void> {
    const { orderId, contactId, currency, amountMinor, skus, status, at } = order;
    await this.newer(() =>
      this.models.orders.updateOne({ _id: `${tenantId}|${orderId}`, tenantId, eventAt: { $lt: at } }, { $set: { orderId, contactId, currency, amountMinor, skus, status, eventAt: at } }, { upsert: true }),
    );
  }

  async applyDeal(tenantId: string, deal: DealFacts): Promise<void> {
    const { dealId, stageId, open, contactIds, at } = deal;
    await this.newer(() => this.models.deals.updateOne({ _id: `${tenantId}|${dealId}`, tenantId, eventAt: { $lt: at } }, { $set: { dealId, stageId, open, contactIds, eventAt: at } }, { upsert: true }));
  }

  async applyTicketOpened(tenantId: string, ticketId: string, contactId: string, at: Date): Promise<void> {
    await this.models.tickets.updateOne({ _id: `${tenantId}|${ticketId}`, tenantId }, { $setOnInsert: { ticketId, contactId, openedAt: at } }, { upsert: true });
  }

  /** An upsert conditional on being newer: where a newer document exists, the insert collides with it, and the event is stale. */
  private async newer(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /**
   * What the conditions need to know of each of these contacts, read in one query per kind of
   * condition asked (none for kinds no condition names).
   */
  async factsOf(tenantId: string, contactIds: string[], conditions: readonly BehaviourCondition[]): Promise<Map<string, BehaviourFacts>> {
    const facts = new Map<string, { skus: Set<string>; lifetimeValue: Map<string, number>; openDealStages: Set<string>; ticketsOpenedAt: Date[]; respondedCampaigns: Set<string> }>();
    const of = (contactId: string) => {
      let found = facts.get(contactId);
      if (!found) facts.set(contactId, (found = { skus: new Set(), lifetimeValue: new Map(), openDealStages: new Set(), ticketsOpenedAt: [], respondedCampaigns: new Set() }));
      return found;
    };
    const kinds = new Set(conditions.map((condition) => condition.kind));
    if (contactIds.length === 0 || kinds.size === 0) return new Map();
    if (kinds.has("purchased_product") || kinds.has("lifetime_value_over")) {
      const orders = await this.models.orders.find({ tenantId, contactId: { $in: contactIds }, status: { $nin: NOT_COUNTED } }, { contactId: 1, currency: 1, amountMinor: 1, skus: 1 }).lean();
      for (const order of orders) {
        const contact = of(order.contactId);
        order.skus.forEach((sku) => contact.skus.add(sku));
        if (order.currency) contact.lifetimeValue.set(order.currency, (contact.lifetimeValue.get(order.currency) ?? 0) + order.amountMinor);
      }
    }
    if (kinds.has("open_deal_in_stage")) {
      const deals = await this.models.deals.find({ tenantId, contactIds: { $in: contactIds }, open: true }, { contactIds: 1, stageId: 1 }).lean();
      const asked = new Set(contactIds);
      for (const deal of deals) for (const contactId of deal.contactIds) if (asked.has(contactId)) of(contactId).openDealStages.add(deal.stageId);
    }
    if (kinds.has("tickets_over")) {
      const tickets = await this.models.tickets.find({ tenantId, contactId: { $in: contactIds } }, { contactId: 1, openedAt: 1 }).lean();
      for (const ticket of tickets) of(ticket.contactId).ticketsOpenedAt.push(ticket.openedAt);
    }
    const campaigns = conditions.flatMap((condition) => (condition.kind === "responded_to_campaign" ? [condition.campaignId] : []));
    if (campaigns.length > 0) {
      for (const [contactId, responded] of await this.messages.respondedTo(tenantId, campaigns, contactIds)) responded.forEach((id) => of(contactId).respondedCampaigns.add(id));
    }
    return facts;
  }

  /** Facts of one contact from a map factsOf answered (none known: no behaviour). */
  static factsFor(facts: Map<string, BehaviourFacts>, contactId: string): BehaviourFacts {
    return facts.get(contactId) ?? NO_BEHAVIOUR;
  }

  /** A merged contact's orders, deals and tickets are its survivor's. */
  async repoint(tenantId: string, from: string, to: string): Promise<void> {
    await this.models.orders.updateMany({ tenantId, contactId: from }, { $set: { contactId: to } });
    await this.models.tickets.updateMany({ tenantId, contactId: from }, { $set: { contactId: to } });
    const deals = await this.models.deals.find({ tenantId, contactIds: from }, { contactIds: 1 }).lean();
    for (const deal of deals) await this.models.deals.updateOne({ _id: deal._id, tenantId }, { $set: { contactIds: [...new Set(deal.contactIds.map((id) => (id === from ? to : id)))] } });
  }

  /** Erasure: the subject's tickets go; orders and deals stay for their amounts, without the subject. */
  async eraseContact(tenantId: string, contactIds: string[]): Promise<number> {
    if (contactIds.length === 0) return 0;
    let changed = (await this.models.tickets.deleteMany({ tenantId, contactId: { $in: contactIds } })).deletedCount;
    changed += (await this.models.orders.updateMany({ tenantId, contactId: { $in: contactIds } }, { $set: { contactId: "" } })).modifiedCount;
    const deals = await this.models.deals.find({ tenantId, contactIds: { $in: contactIds } }, { contactIds: 1 }).lean();
    for (const deal of deals) {
      await this.models.deals.updateOne({ _id: deal._id, tenantId }, { $set: { contactIds: deal.contactIds.filter((id) => !contactIds.includes(id)) } });
      changed++;
    }
    return changed;
  }
}
