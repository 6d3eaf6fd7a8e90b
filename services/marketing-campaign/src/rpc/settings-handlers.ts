import { marketingCampaignV1 } from "@crm/proto";
import { actorOf, toEtag, ValidationError, type ServiceRuntime } from "@crm/kit";
import { checkSettings, type CampaignSettings } from "../domain/bounce-rules";
import type { SettingsRepository } from "../store/settings-repository";

const PATHS: Record<string, keyof Omit<CampaignSettings, "version">> = {
  sendRatePerSecond: "sendRatePerSecond", send_rate_per_second: "sendRatePerSecond",
  softBounceLimit: "softBounceLimit", soft_bounce_limit: "softBounceLimit",
  softBounceWindowDays: "softBounceWindowDays", soft_bounce_window_days: "softBounceWindowDays",
};

const toProto = (settings: CampaignSettings): marketingCampaignV1.CampaignSettings => ({
  sendRatePerSecond: settings.sendRatePerSecond, softBounceLimit: settings.softBounceLimit, softBounceWindowDays: settings.softBounceWindowDays, etag: toEtag(settings.version),
});

/** The tenant's sending rate and bounce rules. */
export function settingsHandlers(rpc: ServiceRuntime["rpc"], { settings }: { settings: SettingsRepository }) {
  return {
    getCampaignSettings: rpc("GetCampaignSettings", async (_request: marketingCampaignV1.GetCampaignSettingsRequest, { identity }) => ({
      settings: toProto(await settings.get(identity.tenantId)),
    })),

    updateCampaignSettings: rpc("UpdateCampaignSettings", async (request: marketingCampaignV1.UpdateCampaignSettingsRequest, { identity }) => {
      const paths: string[] = request.updateMask ?? [];
      if (paths.length === 0) throw ValidationError.field("updateMask", "names no field to change");
      const unknown = paths.filter((path) => !PATHS[path]);
      if (unknown.length > 0) throw ValidationError.field("updateMask", `${unknown.join(", ")}: not settings (use sendRatePerSecond, softBounceLimit, softBounceWindowDays)`);
      const { version: _version, ...current } = await settings.get(identity.tenantId);
      const input = request.settings ?? marketingCampaignV1.CampaignSettings.fromPartial({});
      const next = { ...current };
      for (const path of paths) next[PATHS[path]!] = input[PATHS[path]!];
      checkSettings(next);
      return { settings: toProto(await settings.put(actorOf(identity), next)) };
    }),
  };
}
