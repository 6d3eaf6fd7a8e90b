import { ALWAYS_OPEN, addBusinessMs, businessMsBetween, isWorkingTime, type BusinessCalendar } from "../src/domain/business-hours";

// Every expected instant below was worked out by hand from the zone's rules (offsets written
// out in UTC), not by the code under test: Warsaw is UTC+1 in winter and UTC+2 from the last
// Sunday of March (2026-03-29, 02:00 -> 03:00) to the last Sunday of October (2026-10-25,
// 03:00 -> 02:00); New York is UTC-5, UTC-4 from 2026-03-08 to 2026-11-01; Tokyo is UTC+9, no DST.

const H = 3600_000;
const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((day) => ({ day, start, end }));
const office = (timeZone: string, holidays: string[] = []): BusinessCalendar => ({ timeZone, spans: weekdays("09:00", "17:00"), holidays });
const at = (iso: string) => new Date(iso);
const add = (calendar: BusinessCalendar, from: string, hours: number) => addBusinessMs(calendar, at(from), hours * H).toISOString();

describe("business hours, office 09:00-17:00 Monday to Friday", () => {
  const warsaw = office("Europe/Warsaw");

  it("carries what is left at closing over the night to the next morning", () => {
    // Mon 2 March 16:00 CET (15:00Z) + 2 h: 1 h on Monday, 1 h from Tuesday 09:00 CET -> 10:00 CET.
    expect(add(warsaw, "2026-03-02T15:00:00Z", 2)).toBe("2026-03-03T09:00:00.000Z");
    // Opened at night (Mon 22:00 CET): the clock starts at the next opening.
    expect(add(warsaw, "2026-03-02T21:00:00Z", 3)).toBe("2026-03-03T11:00:00.000Z");
    expect(businessMsBetween(warsaw, at("2026-03-02T15:00:00Z"), at("2026-03-03T09:00:00Z"))).toBe(2 * H);
  });

  it("skips the weekend", () => {
    // Fri 6 March 16:00 CET + 2 h -> Mon 9 March 10:00 CET (09:00Z).
    expect(add(warsaw, "2026-03-06T15:00:00Z", 2)).toBe("2026-03-09T09:00:00.000Z");
    // A whole week, Monday 09:00 to the next Monday 09:00: five days of 8 h.
    expect(businessMsBetween(warsaw, at("2026-03-02T08:00:00Z"), at("2026-03-09T08:00:00Z"))).toBe(40 * H);
    expect(isWorkingTime(warsaw, at("2026-03-07T10:00:00Z"))).toBe(false);
  });

  it("skips holidays, local dates of the calendar", () => {
    const christmas = office("Europe/Warsaw", ["2026-12-24", "2026-12-25"]);
    // Wed 23 Dec 16:00 CET + 3 h: 1 h on Wednesday, Thursday and Friday closed, 2 h on Mon 28 -> 11:00 CET.
    expect(add(christmas, "2026-12-23T15:00:00Z", 3)).toBe("2026-12-28T10:00:00.000Z");
    expect(businessMsBetween(christmas, at("2026-12-21T08:00:00Z"), at("2026-12-28T08:00:00Z"))).toBe(24 * H);
  });

  it("counts the same local hours in several time zones", () => {
    // 14:00Z on Mon 2 March is 09:00 in New York (EST), 15:00 in Warsaw, 23:00 in Tokyo.
    const from = "2026-03-02T14:00:00Z";
    expect(add(office("America/New_York"), from, 1)).toBe("2026-03-02T15:00:00.000Z");
    expect(add(warsaw, from, 3)).toBe("2026-03-03T09:00:00.000Z"); // 2 h Monday (to 17:00 CET), 1 h from Tuesday 09:00 CET
    expect(add(office("Asia/Tokyo"), from, 1)).toBe("2026-03-03T01:00:00.000Z"); // Tuesday 10:00 JST
  });

  it("opens at 09:00 local time across the spring change (a naive fixed offset would say 10:00)", () => {
    // Fri 27 March 16:00 CET (15:00Z) + 2 h -> Mon 30 March 10:00 CEST = 08:00Z.
    expect(add(warsaw, "2026-03-27T15:00:00Z", 2)).toBe("2026-03-30T08:00:00.000Z");
    // New York changes on 8 March: Fri 6 March 16:00 EST (21:00Z) + 2 h -> Mon 9 March 10:00 EDT = 14:00Z.
    expect(add(office("America/New_York"), "2026-03-06T21:00:00Z", 2)).toBe("2026-03-09T14:00:00.000Z");
    // Open every day: on Sunday 29 March itself 09:00 is CEST. Sat 16:00 CET (15:00Z) + 2 h -> Sun 10:00 CEST = 08:00Z.
    const everyDayOffice: BusinessCalendar = { timeZone: "Europe/Warsaw", spans: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: "09:00", end: "17:00" })), holidays: [] };
    expect(add(everyDayOffice, "2026-03-28T15:00:00Z", 2)).toBe("2026-03-29T08:00:00.000Z");
    // ... and on Sunday 25 October it is CET again: Sat 16:00 CEST (14:00Z) + 2 h -> Sun 10:00 CET = 09:00Z.
    expect(add(everyDayOffice, "2026-10-24T14:00:00Z", 2)).toBe("2026-10-25T09:00:00.000Z");
  });

  it("opens at 09:00 local time across the autumn change", () => {
    // Fri 23 Oct 16:00 CEST (14:00Z) + 2 h -> Mon 26 Oct 10:00 CET = 09:00Z.
    expect(add(warsaw, "2026-10-23T14:00:00Z", 2)).toBe("2026-10-26T09:00:00.000Z");
  });
});

describe("business hours, around the clock and night shifts", () => {
  const everyDay = (timeZone: string): BusinessCalendar => ({ timeZone, spans: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: "00:00", end: "24:00" })), holidays: [] });

  it("has a 23-hour day at the spring change and a 25-hour day at the autumn change", () => {
    const warsaw = everyDay("Europe/Warsaw");
    // Sun 29 March: local midnight 23:00Z on the 28th to local midnight 22:00Z on the 29th.
    expect(businessMsBetween(warsaw, at("2026-03-28T23:00:00Z"), at("2026-03-29T22:00:00Z"))).toBe(23 * H);
    // Sun 25 Oct: 22:00Z on the 24th to 23:00Z on the 25th.
    expect(businessMsBetween(warsaw, at("2026-10-24T22:00:00Z"), at("2026-10-25T23:00:00Z"))).toBe(25 * H);
    // A 2026-03-29 holiday closes exactly that local date.
    const closedSunday = { ...warsaw, holidays: ["2026-03-29"] };
    expect(add(closedSunday, "2026-03-28T22:00:00Z", 2)).toBe("2026-03-29T23:00:00.000Z");
  });

  it("the always-open calendar is calendar time", () => {
    expect(businessMsBetween(ALWAYS_OPEN, at("2026-03-28T12:00:00Z"), at("2026-03-30T12:00:00Z"))).toBe(48 * H);
    expect(add(ALWAYS_OPEN, "2026-03-28T12:00:00Z", 30)).toBe("2026-03-29T18:00:00.000Z");
  });

  it("runs a night shift (22:00-06:00) past midnight, shorter and longer across the changes", () => {
    const nights: BusinessCalendar = { timeZone: "Europe/Warsaw", spans: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: "22:00", end: "06:00" })), holidays: [] };
    // Mon 2 March 23:00 CET + 3 h -> Tue 02:00 CET (01:00Z), inside the shift.
    expect(add(nights, "2026-03-02T22:00:00Z", 3)).toBe("2026-03-03T01:00:00.000Z");
    // Tue 05:00 CET + 2 h: 1 h to 06:00, then from Tue 22:00 CET -> 23:00 CET (22:00Z).
    expect(add(nights, "2026-03-03T04:00:00Z", 2)).toBe("2026-03-03T22:00:00.000Z");
    // Sat 28 March 22:00 CET (21:00Z) to Sun 06:00 CEST (04:00Z): a 7-hour night.
    expect(businessMsBetween(nights, at("2026-03-28T21:00:00Z"), at("2026-03-29T04:00:00Z"))).toBe(7 * H);
    // Sat 24 Oct 22:00 CEST (20:00Z) to Sun 06:00 CET (05:00Z): a 9-hour night.
    expect(businessMsBetween(nights, at("2026-10-24T20:00:00Z"), at("2026-10-25T05:00:00Z"))).toBe(9 * H);
  });

  it("a deadline on the stroke of closing is due then, not at the next opening", () => {
    const warsaw = office("Europe/Warsaw");
    expect(add(warsaw, "2026-03-02T08:00:00Z", 8)).toBe("2026-03-02T16:00:00.000Z");
  });
});
