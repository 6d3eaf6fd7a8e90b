import { ValidationError, type FieldViolation } from "@crm/kit";

/** A tenant's sending settings: its rate, and when bounces suppress an address. */
export interface CampaignSettings {
  sendRatePerSecond: number;
  /** Soft bounces of one address within the window that suppress it. */
  softBounceLimit: number;
  softBounceWindowDays: number;
  version: number;
}

export const SETTINGS_LIMITS = { sendRatePerSecond: [1, 10_000], softBounceLimit: [1, 100], softBounceWindowDays: [1, 365] } as const;

export function checkSettings(settings: Omit<CampaignSettings, "version">): void {
  const violations: FieldViolation[] = [];
  for (const [field, [min, max]] of Object.entries(SETTINGS_LIMITS)) {
    const value = settings[field as keyof typeof SETTINGS_LIMITS];
    if (!Number.isInteger(value) || value < min || value > max) violations.push({ field: `settings.${field}`, description: `must be a whole number from ${min} to ${max}` });
  }
  if (violations.length > 0) throw new ValidationError(violations);
}

export type BounceKind = "soft" | "hard" | "auto_reply";

/**
 * What a bounce does to its address: a hard bounce (or a complaint) suppresses it at once; soft
 * bounces suppress it once `softBounceLimit` of them fell within the window (this one counted);
 * an automatic reply (out of office) is no bounce at all.
 */
export function bounceVerdict(kind: BounceKind | "complaint", softBounceTimes: readonly Date[], now: Date, settings: Pick<CampaignSettings, "softBounceLimit" | "softBounceWindowDays">): "suppress" | "count" | "ignore" {
  if (kind === "auto_reply") return "ignore";
  if (kind === "hard" || kind === "complaint") return "suppress";
  const since = now.getTime() - settings.softBounceWindowDays * 86_400_000;
  const recent = softBounceTimes.filter((at) => at.getTime() >= since).length;
  return recent >= settings.softBounceLimit ? "suppress" : "count";
}
