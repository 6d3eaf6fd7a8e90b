import type { Actor } from "@crm/kit";
import type { CampaignSettings } from "../domain/bounce-rules";
import type { SettingsModel } from "./settings.model";

/** Each tenant's sending settings, the service's defaults (configuration) until it writes its own. */
export class SettingsRepository {
  constructor(
    private readonly model: SettingsModel,
    private readonly defaults: Omit<CampaignSettings, "version">,
  ) {}

  async get(tenantId: string): Promise<CampaignSettings> {
    const stored = await this.model.findOne({ _id: tenantId, tenantId }).lean();
    if (!stored) return { ...this.defaults, version: 0 };
    const { sendRatePerSecond, softBounceLimit, softBounceWindowDays, version } = stored;
    return { sendRatePerSecond, softBounceLimit, softBounceWindowDays, version };
  }

  async put(actor: Actor, settings: Omit<CampaignSettings, "version">): Promise<CampaignSettings> {
    const stored = await this.model
      .findOneAndUpdate(
        { _id: actor.tenantId, tenantId: actor.tenantId },
        { $set: { ...settings, updatedAt: new Date(), updatedBy: actor.subject }, $inc: { version: 1 } },
        { upsert: true, returnDocument: "after" },
      )
      .lean();
    return { ...settings, version: stored?.version ?? 1 };
  }
}
