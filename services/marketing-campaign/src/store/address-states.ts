import type { AddressStateDocument, AddressStateModel } from "./address-state.model";

const keyOf = (tenantId: string, channel: string, address: string) => `${tenantId}|${channel}|${address}`;

/** What bounces did to each address: soft bounces counted once per provider event, and suppressions. */
export class AddressStates {
  constructor(private readonly model: AddressStateModel) {}

  /**
   * Of these addresses, those that hard-bounced or complained here. (Those suppressed for soft
   * bounces are on the consent service's list too, and excluded as suppressed by its check.)
   */
  async bounced(tenantId: string, channel: string, addresses: string[]): Promise<Set<string>> {
    if (addresses.length === 0) return new Set();
    const found = await this.model.find({ tenantId, _id: { $in: addresses.map((address) => keyOf(tenantId, channel, address)) }, suppressedFor: { $in: ["hard_bounced", "complained"] } }, { address: 1 }).lean();
    return new Set(found.map((state) => state.address));
  }

  /** Adds a soft bounce (once per event id) and answers every soft bounce of the address so far. */
  async addSoftBounce(tenantId: string, channel: string, address: string, eventId: string, at: Date): Promise<Date[]> {
    const _id = keyOf(tenantId, channel, address);
    const state = await this.model
      .findOneAndUpdate({ _id, tenantId }, { $setOnInsert: { channel, address }, $addToSet: { softBounces: { eventId, at } } }, { upsert: true, returnDocument: "after" })
      .lean<AddressStateDocument>();
    return (state?.softBounces ?? []).map((bounce) => bounce.at);
  }

  async markSuppressed(tenantId: string, channel: string, address: string, reason: string, at: Date): Promise<void> {
    const _id = keyOf(tenantId, channel, address);
    await this.model.updateOne({ _id, tenantId }, { $setOnInsert: { channel, address, softBounces: [] }, $set: { suppressedAt: at, suppressedFor: reason } }, { upsert: true });
  }

  async get(tenantId: string, channel: string, address: string): Promise<AddressStateDocument | undefined> {
    return (await this.model.findOne({ _id: keyOf(tenantId, channel, address), tenantId }).lean<AddressStateDocument>()) ?? undefined;
  }

  /** Erasure: what is known of these addresses goes (the consent service's suppression list keeps suppressing them, by hash). */
  async erase(tenantId: string, addresses: string[]): Promise<number> {
    if (addresses.length === 0) return 0;
    return (await this.model.deleteMany({ tenantId, address: { $in: addresses } })).deletedCount;
  }
}
