import { describe, expect, it } from "vitest";
import { formats } from "~/utils/formats";

// 14:05:09 on 20 November 2025 in Hong Kong.
const AFTERNOON = "2025-11-20T06:05:09.000Z";

describe("formats: the same characters on the server and in any browser", () => {
  it("writes an instant in Hong Kong time, in English and in Chinese", () => {
    const en = formats("en");
    const zh = formats("zh-HK");
    expect(en.at(AFTERNOON)).toBe("20 Nov 2025, 2:05 PM");
    expect(zh.at(AFTERNOON)).toBe("2025年11月20日 下午2:05");
    expect(en.atSeconds(Date.parse(AFTERNOON))).toBe("20 Nov 2025, 2:05:09 PM");
    expect(zh.atSeconds(new Date(AFTERNOON))).toBe("2025年11月20日 下午2:05:09");
    expect(en.shortAt(AFTERNOON)).toBe("20/11/2025, 2:05 PM");
    expect(zh.shortAt(AFTERNOON)).toBe("20/11/2025 下午2:05");
    expect(en.dayOf(AFTERNOON)).toBe("20 Nov 2025");
    expect(en.longDayOf(AFTERNOON)).toBe("20 November 2025");
    expect(zh.longDayOf(AFTERNOON)).toBe("2025年11月20日");
  });

  it("uses plain spaces only: no thin or narrow no-break space from one ICU or another", () => {
    for (const lng of ["en", "zh-HK"]) {
      const f = formats(lng);
      for (const s of [f.at(AFTERNOON), f.atSeconds(AFTERNOON), f.shortAt(AFTERNOON), f.date("2025-11-20")]) {
        expect(s, `${lng}: ${JSON.stringify(s)}`).not.toMatch(/[\u00a0\u2009\u202f]/);
      }
    }
  });

  it("midnight and noon, and the Hong Kong date of a late-evening instant", () => {
    const en = formats("en");
    const zh = formats("zh-HK");
    // 00:05 on 1 December in Hong Kong is still 30 November in UTC.
    expect(en.at("2025-11-30T16:05:00Z")).toBe("1 Dec 2025, 12:05 AM");
    expect(zh.at("2025-11-30T16:05:00Z")).toBe("2025年12月1日 上午12:05");
    expect(en.at("2025-12-01T04:00:00Z")).toBe("1 Dec 2025, 12:00 PM");
    expect(zh.at("2025-12-01T04:00:00Z")).toBe("2025年12月1日 下午12:00");
    expect(zh.dayOf("2025-11-30T15:59:00Z")).toBe("2025年11月30日");
  });

  it("writes calendar dates and months as given, whatever the time zone", () => {
    const en = formats("en");
    const zh = formats("zh-HK");
    expect(en.date("2026-01-05")).toBe("5 Jan 2026");
    expect(en.longDate("2026-01-05")).toBe("5 January 2026");
    expect(zh.date("2026-01-05")).toBe("2026年1月5日");
    expect(en.month("2025-11")).toBe("November 2025");
    expect(zh.month("2025-11")).toBe("2025年11月");
    expect(en.shortMonth("2026-03")).toBe("Mar 26");
    expect(zh.shortMonth("2026-03")).toBe("26年3月");
    expect(en.shortMonth("2009-03")).toBe("Mar 09");
  });

  it("writes numbers, shares and signed changes", () => {
    for (const lng of ["en", "zh-HK"]) {
      const f = formats(lng);
      expect(f.count(1234567)).toBe("1,234,567");
      expect(f.decimal(4.2)).toBe("4.20");
      expect(f.percent(0.1234)).toBe("12.3%");
      expect(f.percent(null)).toBe("—");
      expect(f.wholePercent(0.5)).toBe("50%");
      expect(f.signed(1.25)).toBe("+1.3");
      expect(f.signed(-2)).toBe("-2");
      expect(f.signed(0)).toBe("0");
    }
  });

  it("is built once per language; an unknown language is written in English", () => {
    expect(formats("zh-HK")).toBe(formats("zh"));
    expect(formats("en")).toBe(formats("fr"));
    expect(formats(undefined).month("2025-11")).toBe("November 2025");
  });
});
