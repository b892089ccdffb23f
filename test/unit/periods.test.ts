import { describe, expect, it } from "vitest";
import {
  lastCompleteMonths,
  monthsBetween,
  parsePeriod,
  quarterOf,
  shiftMonth,
} from "../../app/models/calendar/periods";

describe("reporting periods", () => {
  it("parse a month with its first and last days, leap years included", () => {
    expect(parsePeriod("2026-10")).toEqual({
      kind: "month",
      key: "2026-10",
      months: ["2026-10"],
      start: "2026-10-01",
      end: "2026-10-31",
    });
    expect(parsePeriod("2024-02")?.end).toBe("2024-02-29");
    expect(parsePeriod("2026-02")?.end).toBe("2026-02-28");
  });

  it("parse a quarter as its three months", () => {
    expect(parsePeriod("2026-Q4")).toEqual({
      kind: "quarter",
      key: "2026-Q4",
      months: ["2026-10", "2026-11", "2026-12"],
      start: "2026-10-01",
      end: "2026-12-31",
    });
    expect(parsePeriod("2025-Q1")?.months).toEqual(["2025-01", "2025-02", "2025-03"]);
    expect(parsePeriod("2025-Q1")?.end).toBe("2025-03-31");
  });

  it("parse a year as its twelve months", () => {
    const y = parsePeriod("2025");
    expect(y).toMatchObject({ kind: "year", key: "2025", start: "2025-01-01", end: "2025-12-31" });
    expect(y?.months).toHaveLength(12);
    expect(y?.months[0]).toBe("2025-01");
    expect(y?.months.at(-1)).toBe("2025-12");
  });

  it.each(["", "2026-13", "2026-00", "2026-Q5", "2026-Q0", "26", "2026-1", "2026-10-01", "x2026"])(
    "refuse %j",
    (key) => {
      expect(parsePeriod(key)).toBeNull();
    },
  );

  it("list the months between two months, inclusive, across years", () => {
    expect(monthsBetween("2025-11", "2026-02")).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
    expect(monthsBetween("2026-03", "2026-03")).toEqual(["2026-03"]);
    expect(monthsBetween("2026-04", "2026-03")).toEqual([]);
  });

  it("shift a month back (and forward) across year ends", () => {
    expect(shiftMonth("2026-01", 1)).toBe("2025-12");
    expect(shiftMonth("2026-03", 15)).toBe("2024-12");
    expect(shiftMonth("2026-11", 0)).toBe("2026-11");
    expect(shiftMonth("2026-12", -1)).toBe("2027-01");
  });

  it("give the last n complete months before a month, oldest first, never the month itself", () => {
    expect(lastCompleteMonths("2026-11", 12)).toEqual([
      "2025-11",
      "2025-12",
      "2026-01",
      "2026-02",
      "2026-03",
      "2026-04",
      "2026-05",
      "2026-06",
      "2026-07",
      "2026-08",
      "2026-09",
      "2026-10",
    ]);
    expect(lastCompleteMonths("2026-01", 2)).toEqual(["2025-11", "2025-12"]);
    expect(lastCompleteMonths("2026-01", 0)).toEqual([]);
  });

  it("name a month's quarter", () => {
    expect(["2026-01", "2026-03", "2026-04", "2026-09", "2026-10", "2026-12"].map(quarterOf)).toEqual([
      "2026-Q1",
      "2026-Q1",
      "2026-Q2",
      "2026-Q3",
      "2026-Q4",
      "2026-Q4",
    ]);
  });
});
