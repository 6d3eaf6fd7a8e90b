import type { BusinessCalendar } from "../src/domain/business-hours";
import { computeSla, nextAlertAt, pendingAlerts, statusOf, type ClockFacts, type MetricClock } from "../src/domain/sla";
import { choosePolicy, prepareSlaPolicy } from "../src/domain/sla-policy";
import type { Status } from "../src/domain/vocabulary";

// Hand-computed cases on Warsaw office hours, 09:00-17:00 Monday to Friday; March 2026 before the
// 29th is CET (UTC+1): 09:00 local is 08:00Z. Mon 2 March is a Monday.
const H = 3600_000;
const warsaw: BusinessCalendar = { timeZone: "Europe/Warsaw", spans: [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "17:00" })), holidays: [] };
const policy = {
  id: "policy-1",
  ...prepareSlaPolicy({
    name: "Standard",
    calendarId: "office",
    targets: {
      low: { resolutionMinutes: 40 * 60 },
      normal: { firstResponseMinutes: 4 * 60, nextUpdateMinutes: 2 * 60, resolutionMinutes: 16 * 60 },
      urgent: { firstResponseMinutes: 60, resolutionMinutes: 4 * 60 },
    },
  }),
};
const at = (iso: string) => new Date(iso);
const log = (...entries: Array<[Status, string]>) => entries.map(([status, time]) => ({ status, at: at(time) }));
const clockOf = (facts: ClockFacts, now: string, metric = "resolution") => computeSla(facts, policy, warsaw, at(now)).clocks.find((clock) => clock.metric === metric)!;

describe("SLA clocks in business hours", () => {
  it("dues a ticket opened on Monday 10:00 with 16 business hours on Wednesday 10:00, warning at 80%", () => {
    const facts: ClockFacts = { priority: "normal", statusLog: log(["new", "2026-03-02T09:00:00Z"]) };
    const clock = clockOf(facts, "2026-03-02T09:00:00Z");
    // 7 h Monday, 8 h Tuesday, 1 h Wednesday -> Wed 10:00 CET. 80% = 12.8 h: 7 + 5.8 -> Tue 14:48 CET.
    expect(clock.dueAt?.toISOString()).toBe("2026-03-04T09:00:00.000Z");
    expect(clock.warnAt?.toISOString()).toBe("2026-03-03T13:48:00.000Z");
    expect(statusOf(clock, at("2026-03-03T13:47:00Z"))).toBe("on_track");
    expect(statusOf(clock, at("2026-03-03T13:48:00Z"))).toBe("at_risk");
    expect(statusOf(clock, at("2026-03-04T09:00:00Z"))).toBe("breached");
  });

  it("pauses while pending the customer and resumes with what was left", () => {
    // Opened Mon 10:00 CET, pending from 12:00 (2 h used), open again Tue 15:00: 14 h left ->
    // 2 h Tuesday, 8 h Wednesday, 4 h Thursday -> Thu 13:00 CET.
    const paused: ClockFacts = { priority: "normal", statusLog: log(["new", "2026-03-02T09:00:00Z"], ["pending_customer", "2026-03-02T11:00:00Z"]) };
    const whilePaused = clockOf(paused, "2026-03-03T10:00:00Z");
    expect(whilePaused.dueAt).toBeUndefined();
    expect(whilePaused.elapsedMs).toBe(2 * H);
    expect(statusOf(whilePaused, at("2026-03-09T10:00:00Z"))).toBe("paused");

    const resumed = { ...paused, statusLog: [...paused.statusLog, ...log(["open", "2026-03-03T14:00:00Z"])] };
    expect(clockOf(resumed, "2026-03-03T14:00:00Z").dueAt?.toISOString()).toBe("2026-03-05T12:00:00.000Z");
    // Paused twice: on hold Wed 10:00-15:00 CET as well takes 5 more hours -> Thu 13:00 + 5 h = Fri 10:00 CET.
    const twice = { ...resumed, statusLog: [...resumed.statusLog, ...log(["on_hold", "2026-03-04T09:00:00Z"], ["open", "2026-03-04T14:00:00Z"])] };
    expect(clockOf(twice, "2026-03-04T14:00:00Z").dueAt?.toISOString()).toBe("2026-03-06T09:00:00.000Z");
  });

  it("recomputes a priority changed mid-way with the new priority's target from the opening", () => {
    const opened = log(["new", "2026-03-02T08:00:00Z"]); // Mon 09:00 CET
    // normal: 16 h -> Tue 17:00 CET; raised to urgent at 11:00: 4 h from 09:00 -> Mon 13:00 CET.
    expect(clockOf({ priority: "normal", statusLog: opened }, "2026-03-02T10:00:00Z").dueAt?.toISOString()).toBe("2026-03-03T16:00:00.000Z");
    const urgent = clockOf({ priority: "urgent", statusLog: opened }, "2026-03-02T10:00:00Z");
    expect(urgent.dueAt?.toISOString()).toBe("2026-03-02T12:00:00.000Z");
    // lowered to low: 40 h, the whole working week -> Fri 6 March 17:00 CET.
    expect(clockOf({ priority: "low", statusLog: opened }, "2026-03-02T10:00:00Z").dueAt?.toISOString()).toBe("2026-03-06T16:00:00.000Z");
    // low has no first-response target: no such clock.
    expect(computeSla({ priority: "low", statusLog: opened }, policy, warsaw, at("2026-03-02T10:00:00Z")).clocks.map((c) => c.metric)).toEqual(["resolution"]);
  });

  it("stops at resolution, continues counting after a reopening", () => {
    // Open Mon 09:00-13:00 CET (4 h), resolved until Tue 09:00, reopened: 12 h left -> Tue 8 h + Wed 4 h -> Wed 13:00 CET.
    const resolved = log(["new", "2026-03-02T08:00:00Z"], ["resolved", "2026-03-02T12:00:00Z"]);
    const met = clockOf({ priority: "normal", statusLog: resolved }, "2026-03-02T12:00:00Z");
    expect(met).toMatchObject({ fulfilledAt: at("2026-03-02T12:00:00Z"), fulfilledLate: false, elapsedMs: 4 * H });
    expect(statusOf(met, at("2026-03-10T00:00:00Z"))).toBe("met");
    const reopened = [...resolved, ...log(["reopened", "2026-03-03T08:00:00Z"])];
    expect(clockOf({ priority: "normal", statusLog: reopened }, "2026-03-03T08:00:00Z").dueAt?.toISOString()).toBe("2026-03-04T12:00:00.000Z");
  });

  it("first response met late is breached; each customer message starts a next-update clock", () => {
    const facts: ClockFacts = {
      priority: "normal",
      statusLog: log(["new", "2026-03-02T08:00:00Z"], ["open", "2026-03-02T14:00:00Z"]),
      firstResponseAt: at("2026-03-02T14:00:00Z"), // 6 business hours after opening: target 4 h
      updateCycle: { since: at("2026-03-02T15:30:00Z") }, // Mon 16:30 CET
    };
    const computed = computeSla(facts, policy, warsaw, at("2026-03-02T16:00:00Z"));
    const first = computed.clocks.find((clock) => clock.metric === "first_response")!;
    expect(first).toMatchObject({ fulfilledLate: true, elapsedMs: 6 * H });
    const update = computed.clocks.find((clock) => clock.metric === "next_update")!;
    // 2 h from Mon 16:30 CET: 30 min Monday, 1.5 h Tuesday -> Tue 10:30 CET.
    expect(update).toMatchObject({ cycle: "2026-03-02T15:30:00.000Z", dueAt: at("2026-03-03T09:30:00Z") });
  });

  it("lists the alerts still to announce, a breach alone when its warning came too late", () => {
    const facts: ClockFacts = { priority: "urgent", statusLog: log(["new", "2026-03-02T08:00:00Z"]) };
    const { clocks } = computeSla(facts, policy, warsaw, at("2026-03-02T08:00:00Z"));
    // first response 60 min (warning at 48 min), resolution 4 h (warning at 3 h 12 min).
    expect(nextAlertAt(clocks, [], at("2026-03-02T08:00:00Z"))?.toISOString()).toBe("2026-03-02T08:48:00.000Z");
    expect(nextAlertAt(clocks, ["first_response||warning"], at("2026-03-02T08:50:00Z"))?.toISOString()).toBe("2026-03-02T09:00:00.000Z");
    const late = pendingAlerts(clocks, [], at("2026-03-02T09:30:00Z")).filter((alert) => +alert.at <= +at("2026-03-02T09:30:00Z"));
    expect(late.map((alert) => `${alert.metric}:${alert.kind}`)).toEqual(["first_response:breach"]);
    const done = pendingAlerts(clocks, ["first_response||breach", "resolution||warning", "resolution||breach"], at("2026-03-02T12:00:00Z"));
    expect(done).toEqual([]);
  });
});

describe("SLA policies", () => {
  const make = (id: string, position: number, conditions: Record<string, string[]>) => ({ id, ...prepareSlaPolicy({ name: id, position, conditions, targets: { normal: { resolutionMinutes: 60 } } }) });

  it("chooses the first enabled policy by position whose conditions all hold", () => {
    const vip = make("vip", 1, { organizationTiers: ["gold"], channels: ["phone", "email"] });
    const billing = make("billing", 2, { categories: ["billing"] });
    const fallback = make("fallback", 9, {});
    const subject = { priority: "normal", category: "billing", organizationTier: "gold", channel: "phone" };
    expect(choosePolicy([fallback, billing, vip], subject)?.id).toBe("vip");
    expect(choosePolicy([fallback, billing, vip], { ...subject, channel: "chat" })?.id).toBe("billing");
    expect(choosePolicy([fallback, billing, { ...vip, enabled: false }], subject)?.id).toBe("billing");
    expect(choosePolicy([billing], { ...subject, category: "other" })).toBeUndefined();
  });

  it("refuses a policy with every problem named", () => {
    const refuse = () =>
      prepareSlaPolicy({ name: " ", warnAtPercent: 120, pauseStatuses: ["resolved"], conditions: { channels: ["fax"] }, targets: { critical: {}, normal: { resolutionMinutes: -5 } } as never, escalations: [{ on: "breach" } as never] });
    expect(refuse).toThrow(expect.objectContaining({
      violations: expect.arrayContaining([
        { field: "policy.name", description: "is required" },
        { field: "policy.warnAtPercent", description: "must be an integer from 1 to 99" },
        expect.objectContaining({ field: "policy.pauseStatuses" }),
        expect.objectContaining({ field: "policy.conditions.channels" }),
        expect.objectContaining({ field: "policy.targets.critical" }),
        expect.objectContaining({ field: "policy.targets.normal.resolutionMinutes" }),
        expect.objectContaining({ field: "policy.escalations[0]" }),
      ]),
    }));
  });
});

// Exported for the type checker: the clock fields the tests read exist.
export type _Fields = Pick<MetricClock, "dueAt" | "warnAt">;
