import type { Logger } from "@crm/kit";
import type { CustomerValues } from "./customer-values";
import type { DealRepository } from "./deal-repository";
import type { LeadRepository } from "./lead-repository";
import type { OrderRepository } from "./order-repository";
import type { SignalRepository } from "./signal-repository";

/**
 * A contact merged into another (contacts' contact.merged): every reference follows the survivor,
 * leads (scored again with the survivor's behaviour), deals' stakeholders, orders, behaviour, and
 * both customers' values are computed again. Each step finds nothing left to do when run twice.
 */
export class ContactMerges {
  constructor(
    private readonly stores: { leads: LeadRepository; deals: DealRepository; orders: OrderRepository; signals: SignalRepository; customerValues: CustomerValues },
    private readonly log: Logger,
  ) {}

  async follow(tenantId: string, mergedId: string, survivorId: string): Promise<void> {
    const { leads, deals, orders, signals, customerValues } = this.stores;
    if (!mergedId || !survivorId || mergedId === survivorId) return;
    await signals.repointContact(tenantId, mergedId, survivorId);
    const moved = {
      leads: await leads.repointContact(tenantId, mergedId, survivorId),
      deals: await deals.repointStakeholder(tenantId, mergedId, survivorId),
      orders: await orders.repointContact(tenantId, mergedId, survivorId),
    };
    // Always, also when nothing moved this time: a crash may have come after the orders moved.
    await customerValues.refresh(tenantId, "contact", mergedId);
    await customerValues.refresh(tenantId, "contact", survivorId);
    this.log.info({ tenantId, ...moved }, "references to a merged contact follow its survivor");
  }
}
