import type { CalendarFields } from "../domain/calendar";
import type { SlaSettings } from "../domain/lifecycle";
import type { SlaPolicy, SlaPolicyFields } from "../domain/sla-policy";
import type { SettingsRepository } from "./settings-repository";

/** A tenant's SLA settings as they are now: its live policies and calendars, read together. */
export class SlaSettingsReader {
  constructor(
    readonly policies: SettingsRepository<SlaPolicyFields>,
    readonly calendars: SettingsRepository<CalendarFields>,
    /** A target minute's length (SLA_MINUTE_MS). */
    private readonly minuteMs = 60_000,
  ) {}

  async of(tenantId: string): Promise<SlaSettings> {
    const [policies, calendars] = await Promise.all([this.policies.all(tenantId), this.calendars.all(tenantId)]);
    return { policies: policies as SlaPolicy[], calendars: new Map(calendars.map((calendar) => [calendar.id, calendar])), minuteMs: this.minuteMs };
  }
}
