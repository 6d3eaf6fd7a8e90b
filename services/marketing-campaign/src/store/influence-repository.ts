import type { Influence } from "../domain/influence";
import type { InfluenceDocument, InfluenceModel } from "./influence.model";

/** Campaigns' parts in deals won, once per campaign and deal. */
export class InfluenceRepository {
  constructor(private readonly model: InfluenceModel) {}

  /** Records each influence; one already recorded (the same deal.won again) is left as it is. */
  async record(tenantId: string, influences: Influence[]): Promise<void> {
    for (const influence of influences) {
      const _id = `${tenantId}|${influence.campaignId}|${influence.dealId}`;
      await this.model.updateOne(
        { _id, tenantId },
        {
          $setOnInsert: {
            campaignId: influence.campaignId, variant: influence.variant, dealId: influence.dealId, wonAt: influence.wonAt,
            currency: influence.amount?.currency ?? "", amountMinor: influence.amount?.amountMinor ?? 0, contactIds: influence.contactIds,
          },
        },
        { upsert: true },
      );
    }
  }

  async ofCampaign(tenantId: string, campaignId: string): Promise<InfluenceDocument[]> {
    return this.model.find({ tenantId, campaignId }).lean<InfluenceDocument[]>();
  }

  async repoint(tenantId: string, from: string, to: string): Promise<void> {
    const found = await this.model.find({ tenantId, contactIds: from }, { contactIds: 1 }).lean();
    for (const influence of found) {
      await this.model.updateOne({ _id: influence._id, tenantId }, { $set: { contactIds: [...new Set(influence.contactIds.map((id) => (id === from ? to : id)))] } });
    }
  }

  async eraseContact(tenantId: string, contactIds: string[]): Promise<number> {
    let changed = 0;
    for (const contactId of contactIds) {
      const found = await this.model.find({ tenantId, contactIds: contactId }, { contactIds: 1 }).lean();
      for (const influence of found) {
        await this.model.updateOne({ _id: influence._id, tenantId }, { $set: { contactIds: influence.contactIds.filter((id) => id !== contactId) } });
        changed++;
      }
    }
    return changed;
  }
}
