import { describe, expect, it } from "vitest";
import { hkDate } from "~/models/calendar/time";
import {
  type ClockStop,
  daysLeft,
  dueDate,
  dueDateAfterClosureChange,
  hkGeneralHolidays,
  isMet,
  isWorkingDay,
  workingDaysBetween,
} from "../../app/models/calendar/working-days";

const working = (days: number) => ({ days, unit: "working" as const });
const calendar = (days: number) => ({ days, unit: "calendar" as const });

describe("Hong Kong general holidays (Cap. 149), besides Sundays", () => {
  it("match the 2025 gazette", () => {
    expect(hkGeneralHolidays(2025)).toEqual([
      "2025-01-01",
      "2025-01-29",
      "2025-01-30",
      "2025-01-31",
      "2025-04-04",
      "2025-04-18",
      "2025-04-19",
      "2025-04-21",
      "2025-05-01",
      "2025-05-05",
      "2025-05-31",
      "2025-07-01",
      "2025-10-01",
      "2025-10-07",
      "2025-10-29",
      "2025-12-25",
      "2025-12-26",
    ]);
  });

  it("match the 2026 gazette, with its Sunday substitutes and the Ching Ming / Easter Monday clash", () => {
    expect(hkGeneralHolidays(2026)).toEqual([
      "2026-01-01",
      "2026-02-17",
      "2026-02-18",
      "2026-02-19",
      "2026-04-03", // Good Friday
      "2026-04-04", // the day following Good Friday
      "2026-04-06", // the day following Ching Ming Festival (Sunday 04-05) — also Easter Monday
      "2026-04-07", // the day following Easter Monday, as the two fell on the same day
      "2026-05-01",
      "2026-05-25", // the day following the Birthday of the Buddha (Sunday 05-24)
      "2026-06-19",
      "2026-07-01",
      "2026-09-26", // the day following Mid-Autumn (Friday 09-25), a Saturday
      "2026-10-01",
      "2026-10-19", // the day following Chung Yeung (Sunday 10-18)
      "2026-12-25",
      "2026-12-26",
    ]);
  });

  it("match the 2027 list under Cap. 149", () => {
    expect(hkGeneralHolidays(2027)).toEqual([
      "2027-01-01",
      "2027-02-06", // Lunar New Year's Day (Saturday); the new moon is at 23:56 HKT that day
      "2027-02-08", // the third day of Lunar New Year
      "2027-02-09", // the fourth day, in place of the second day (Sunday 02-07)
      "2027-03-26", // Good Friday
      "2027-03-27", // the day following Good Friday
      "2027-03-29", // Easter Monday
      "2027-04-05", // Ching Ming Festival
      "2027-05-01", // Labour Day, a Saturday: no substitute
      "2027-05-13", // the Birthday of the Buddha
      "2027-06-09", // Tuen Ng Festival
      "2027-07-01",
      "2027-09-16", // the day following Mid-Autumn
      "2027-10-01",
      "2027-10-08", // Chung Yeung Festival
      "2027-12-25", // Christmas Day, a Saturday
      "2027-12-27", // the first weekday after Christmas Day (12-26 is a Sunday)
    ]);
  });

  it("come sorted and as a copy the caller may change", () => {
    const list = hkGeneralHolidays(2026);
    list.push("2026-12-31");
    expect(hkGeneralHolidays(2026)).toHaveLength(17);
  });
});

describe("working days", () => {
  it("skip weekends, general holidays and closure days", () => {
    expect(isWorkingDay("2026-04-02")).toBe(true); // Thursday
    expect(isWorkingDay("2026-04-03")).toBe(false); // Good Friday
    expect(isWorkingDay("2026-04-11")).toBe(false); // Saturday
    expect(isWorkingDay("2026-04-12")).toBe(false); // Sunday
    expect(isWorkingDay("2026-04-09", new Set(["2026-04-09"]))).toBe(false); // typhoon No. 8
    expect(() => isWorkingDay("2026-02-30")).toThrow(RangeError);
  });
});

describe("due dates", () => {
  it("count 5 working days across the Easter and Ching Ming long weekend of 2026", () => {
    // Received Thursday 2026-04-02. Fri 03 Good Friday, Sat 04 holiday, Sun 05, Mon 06 and Tue 07
    // holidays; then Wed 08 (1), Thu 09 (2), Fri 10 (3), Mon 13 (4), Tue 14 (5).
    expect(dueDate("2026-04-02T10:00:00+08:00", working(5))).toBe("2026-04-14");
  });

  it("move one working day later for a typhoon closure, and not for a closure on a Saturday", () => {
    const received = "2026-04-02T10:00:00+08:00";
    expect(dueDate(received, working(5), { closures: ["2026-04-09"] })).toBe("2026-04-15");
    expect(dueDate(received, working(5), { closures: ["2026-04-11"] })).toBe("2026-04-14");
  });

  it("do not count clock-stopped days, and a holiday inside the stop is not skipped twice", () => {
    const received = "2026-09-28T09:00:00+08:00"; // Monday
    // Without a stop: Tue 29 (1), Wed 30 (2), Thu 10-01 National Day, Fri 02 (3), Mon 05 (4),
    // Tue 06 (5), Wed 07 (6), Thu 08 (7), Fri 09 (8), Mon 12 (9), Tue 13 (10).
    expect(dueDate(received, working(10))).toBe("2026-10-13");
    // Awaiting the customer from Wed 09-30 10:00 to Mon 10-05 15:00 HKT: 10-01 to 10-05 do not
    // count, of which Fri 02 and Mon 05 were working days; so two working days later.
    const stops: ClockStop[] = [{ from: "2026-09-30T02:00:00Z", to: "2026-10-05T07:00:00Z" }];
    // Tue 29 (1), Wed 30 (2), Tue 10-06 (3) … Fri 09 (6), Mon 12 (7), Tue 13 (8), Wed 14 (9), Thu 15 (10).
    expect(dueDate(received, working(10), { stops })).toBe("2026-10-15");
    // Overlapping stops remove each day once.
    const twice: ClockStop[] = [...stops, { from: "2026-10-01T02:00:00Z", to: "2026-10-02T02:00:00Z" }];
    expect(dueDate(received, working(10), { stops: twice })).toBe("2026-10-15");
    // A calendar-day target loses the 5 stopped days: 28 + 10 = 10-08, plus 5 = 10-13.
    expect(dueDate(received, calendar(10))).toBe("2026-10-08");
    expect(dueDate(received, calendar(10), { stops })).toBe("2026-10-13");
  });

  it("apply the stop rule: the days after the stop date, up to and including the restart date", () => {
    const received = "2026-06-01T09:00:00+08:00"; // Monday; 5 working days → Mon 06-08
    expect(dueDate(received, working(5))).toBe("2026-06-08");
    // Stopped and restarted on the same day: costs nothing.
    const sameDay = [{ from: "2026-06-03T10:00:00+08:00", to: "2026-06-03T16:00:00+08:00" }];
    expect(dueDate(received, working(5), { stops: sameDay })).toBe("2026-06-08");
    // Stopped Wed 16:00, restarted Thu 09:00: Thursday does not count.
    const overnight = [{ from: "2026-06-03T16:00:00+08:00", to: "2026-06-04T09:00:00+08:00" }];
    expect(dueDate(received, working(5), { stops: overnight })).toBe("2026-06-09");
    // Stopped Fri 17:00, the customer replied on Saturday: only Saturday is removed.
    const toSaturday = [{ from: "2026-06-05T17:00:00+08:00", to: "2026-06-06T10:00:00+08:00" }];
    expect(dueDate(received, working(5), { stops: toSaturday })).toBe("2026-06-08");
    // A restart before its stop is bad data, not a shorter deadline.
    const backwards = [{ from: "2026-06-04T09:00:00+08:00", to: "2026-06-03T09:00:00+08:00" }];
    expect(() => dueDate(received, working(5), { stops: backwards })).toThrow(RangeError);
  });

  it("differ for 30 calendar days and 30 working days across Christmas and New Year", () => {
    const received = "2026-12-20T11:00:00+08:00"; // Sunday
    // Calendar: 12-21 is day 1; 11 days to 12-31, then 19 more → 2027-01-19.
    expect(dueDate(received, calendar(30))).toBe("2027-01-19");
    // Working: Dec 21–24 (4), 25 and 26 holidays, 28–31 (8), Jan 1 holiday, Jan 4–8 (13),
    // 11–15 (18), 18–22 (23), 25–29 (28), Feb 1 (29), Feb 2 (30).
    expect(dueDate(received, working(30))).toBe("2027-02-02");
    // A calendar-day deadline on a holiday stays there: 6 days → Saturday 12-26, a holiday.
    expect(dueDate(received, calendar(6))).toBe("2026-12-26");
    expect(dueDate(received, calendar(0))).toBe("2026-12-20");
  });

  it("count from the Hong Kong date of receipt, not the UTC date", () => {
    expect(hkDate("2026-03-31T15:30:00Z")).toBe("2026-03-31"); // 23:30 HKT
    expect(hkDate("2026-03-31T15:59:59.999Z")).toBe("2026-03-31");
    expect(hkDate("2026-03-31T16:00:00Z")).toBe("2026-04-01"); // midnight HKT
    expect(hkDate("2026-03-31T16:30:00Z")).toBe("2026-04-01"); // 00:30 HKT
    expect(hkDate(new Date("2026-03-31T16:30:00Z"))).toBe("2026-04-01");
    // 23:30 HKT on 03-31: day 1 is 04-01.
    expect(dueDate("2026-03-31T15:30:00Z", working(1))).toBe("2026-04-01");
    // Wed 01 (1), Thu 02 (2), 03–07 holidays and weekend, Wed 08 (3), Thu 09 (4), Fri 10 (5).
    expect(dueDate("2026-03-31T15:30:00Z", working(5))).toBe("2026-04-10");
    // 00:30 HKT on 04-01 (still 03-31 in UTC): day 1 is 04-02.
    expect(dueDate("2026-03-31T16:30:00Z", working(1))).toBe("2026-04-02");
    expect(dueDate("2026-03-31T16:30:00Z", working(5))).toBe("2026-04-13");
  });

  it("refuse instants without a zone and targets that are not whole days", () => {
    expect(() => dueDate("2026-04-02T10:00:00", working(5))).toThrow(RangeError);
    expect(() => dueDate("yesterday", working(5))).toThrow(RangeError);
    expect(() => dueDate("2026-04-02T10:00:00Z", working(2.5))).toThrow(RangeError);
    expect(() => dueDate("2026-04-02T10:00:00Z", working(5), { closures: ["9/4/2026"] })).toThrow(RangeError);
  });

  it("land on a working day, exactly the target's working days after receipt, for every day of 2026", () => {
    for (let d = Date.UTC(2026, 0, 1); d < Date.UTC(2027, 0, 1); d += 86_400_000) {
      const received = new Date(d + 2 * 3_600_000).toISOString(); // 10:00 HKT
      const due = dueDate(received, working(5))!;
      expect(isWorkingDay(due)).toBe(true);
      expect(workingDaysBetween(received, `${due}T09:00:00+08:00`)).toBe(5);
    }
  });
});

describe("a due date after a closure day is entered or removed", () => {
  const received = "2026-04-02T10:00:00+08:00"; // 5 working days → Tue 04-14 (see above)

  it("moves one working day for a closure inside the window, and back when it is removed", () => {
    expect(dueDateAfterClosureChange(received, "2026-04-14", { date: "2026-04-09", closed: true })).toBe(
      "2026-04-15",
    );
    expect(dueDateAfterClosureChange(received, "2026-04-15", { date: "2026-04-09", closed: false })).toBe(
      "2026-04-14",
    );
    // On the due date itself: the next working day.
    expect(dueDateAfterClosureChange(received, "2026-04-14", { date: "2026-04-14", closed: true })).toBe(
      "2026-04-15",
    );
  });

  it("leaves it alone outside the window, on a non-working day, in a stop, or while stopped", () => {
    const same = (date: string, options = {}) =>
      dueDateAfterClosureChange(received, "2026-04-14", { date, closed: true }, options);
    expect(same("2026-04-02")).toBe("2026-04-14"); // the day of receipt does not count
    expect(same("2026-04-15")).toBe("2026-04-14"); // after the due date
    expect(same("2026-04-11")).toBe("2026-04-14"); // a Saturday
    expect(same("2026-04-06")).toBe("2026-04-14"); // a general holiday
    expect(same("2026-04-09", { closures: ["2026-04-09"] })).toBe("2026-04-14"); // already closed
    expect(same("2026-04-09", { stops: [{ from: "2026-04-08T02:00:00Z", to: null }] })).toBe("2026-04-14");
    // A stop from 04-08 to 04-10 (both HKT) removes 04-09 and 04-10: closing 04-09 changes nothing.
    const stops: ClockStop[] = [{ from: "2026-04-08T02:00:00Z", to: "2026-04-10T02:00:00Z" }];
    const due = dueDate(received, working(5), { stops })!;
    expect(dueDateAfterClosureChange(received, due, { date: "2026-04-09", closed: true }, { stops })).toBe(
      due,
    );
    // A due date that is no working day is not a working-day target: left alone.
    expect(dueDateAfterClosureChange(received, "2026-04-12", { date: "2026-04-09", closed: true })).toBe(
      "2026-04-12",
    );
  });

  it("agrees with computing the due date afresh, for every day of a year", () => {
    const start = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 365; i += 3) {
      const at = new Date(start + i * 86_400_000 + 2 * 3_600_000).toISOString();
      const others = ["2026-07-02", "2026-09-15"];
      const due = dueDate(at, working(10), { closures: others })!;
      for (let k = 1; k <= 16; k++) {
        const date = new Date(start + (i + k) * 86_400_000).toISOString().slice(0, 10);
        if (others.includes(date)) continue;
        const moved = dueDate(at, working(10), { closures: [...others, date] })!;
        expect(dueDateAfterClosureChange(at, due, { date, closed: true }, { closures: others })).toBe(moved);
        expect(dueDateAfterClosureChange(at, moved, { date, closed: false }, { closures: others })).toBe(due);
      }
    }
  });
});

describe("meeting a due date", () => {
  it("is on time until 23:59 HKT on the due date and late from midnight", () => {
    expect(isMet("2026-04-14T15:59:00Z", "2026-04-14")).toBe(true); // 23:59 HKT
    expect(isMet("2026-04-14T23:59:59.999+08:00", "2026-04-14")).toBe(true);
    expect(isMet("2026-04-14T16:00:00Z", "2026-04-14")).toBe(false); // 00:00 HKT on 04-15
    expect(isMet("2026-04-08T09:00:00+08:00", "2026-04-14")).toBe(true);
  });

  it("is suspended while the clock is stopped: no due date", () => {
    const stops: ClockStop[] = [
      { from: "2026-04-02T03:00:00Z", to: "2026-04-08T03:00:00Z" },
      { from: "2026-04-09T03:00:00Z", to: null },
    ];
    expect(dueDate("2026-04-02T02:00:00Z", working(5), { stops })).toBeNull();
    expect(dueDate("2026-04-02T02:00:00Z", calendar(30), { stops })).toBeNull();
  });
});

describe("measuring and queueing", () => {
  it("counts working days elapsed between two instants", () => {
    expect(workingDaysBetween("2026-04-02T10:00:00+08:00", "2026-04-14T17:00:00+08:00")).toBe(5);
    expect(workingDaysBetween("2026-04-02T01:00:00+08:00", "2026-04-02T23:00:00+08:00")).toBe(0);
    expect(workingDaysBetween("2026-04-02T10:00:00+08:00", "2026-04-07T17:00:00+08:00")).toBe(0);
    expect(workingDaysBetween("2026-12-20T11:00:00+08:00", "2027-02-02T11:00:00+08:00")).toBe(30);
    expect(workingDaysBetween("2026-12-20T11:00:00+08:00", "2027-02-02T11:00:00+08:00", ["2027-01-05"])).toBe(
      29,
    );
    expect(workingDaysBetween("2026-04-14T17:00:00+08:00", "2026-04-02T10:00:00+08:00")).toBe(-5);
    // Whole year 2026: 261 weekdays less the 14 general holidays on a weekday = 247.
    expect(workingDaysBetween("2025-12-31T12:00:00+08:00", "2026-12-31T12:00:00+08:00")).toBe(247);
  });

  it("gives working days left to the due date, negative once overdue", () => {
    const due = "2026-04-14"; // Tuesday
    expect(daysLeft(due, new Date("2026-04-02T10:00:00+08:00"))).toBe(5);
    expect(daysLeft(due, new Date("2026-04-02T10:00:00+08:00"), ["2026-04-09"])).toBe(4);
    expect(daysLeft(due, new Date("2026-04-13T23:59:00+08:00"))).toBe(1);
    expect(daysLeft(due, new Date("2026-04-14T00:00:00+08:00"))).toBe(0);
    expect(daysLeft(due, new Date("2026-04-15T00:00:00+08:00"))).toBe(-1);
    expect(daysLeft(due, new Date("2026-04-20T09:00:00+08:00"))).toBe(-4);
    // Due on Friday 04-17, looked at on Saturday: overdue, though no working day has passed.
    expect(daysLeft("2026-04-17", new Date("2026-04-18T10:00:00+08:00"))).toBe(-1);
    expect(daysLeft("2026-04-17", new Date("2026-04-20T10:00:00+08:00"))).toBe(-1);
    // A calendar-day deadline on Saturday 12-26, seen on Thursday 12-24: nothing workable after today.
    expect(daysLeft("2026-12-26", new Date("2026-12-24T10:00:00+08:00"))).toBe(0);
  });
});
