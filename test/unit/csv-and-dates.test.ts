import { describe, expect, it } from "vitest";
import { CsvSyntaxError, parseCsv } from "~/utils/csv";
import { parseInstant } from "~/utils/dates";

// Moved from test/integration/pledges-admin.test.ts with the parsers (app/utils): every assertion kept.
describe("CSV and time parsing", () => {
  it("reads RFC 4180: quoted fields, doubled quotes, CRLF and LF, line breaks inside quotes, blank lines", () => {
    const text = '\uFEFFa,b,c\r\n1,"x, y","He said ""hi"""\n"multi\r\nline",,\r\n\n3,4,5\n,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ["a", "b", "c"] },
      { line: 2, fields: ["1", "x, y", 'He said "hi"'] },
      { line: 3, fields: ["multi\r\nline", "", ""] },
      { line: 6, fields: ["3", "4", "5"] },
      { line: 7, fields: ["", ""] },
    ]);
    expect(parseCsv("a,b")).toEqual([{ line: 1, fields: ["a", "b"] }]);
    expect(parseCsv("a\rb\r")).toEqual([
      { line: 1, fields: ["a"] },
      { line: 2, fields: ["b"] },
    ]);
    const thrown = (text: string) => {
      try {
        parseCsv(text);
      } catch (e) {
        return e;
      }
      return null;
    };
    expect(thrown('a\n"open,b\n')).toEqual(new CsvSyntaxError(2, "unterminatedQuote"));
    expect(thrown('a,b\n1,2\n"x"y,3\n')).toMatchObject({ line: 3, problem: "textAfterQuote" });
  });

  it("reads instants with a zone, or YYYY-MM-DD HH:MM as Hong Kong time, and nothing else", () => {
    expect(parseInstant("2026-09-22 09:30")).toBe("2026-09-22T01:30:00.000Z");
    expect(parseInstant("2026-09-22T09:30:00+08:00")).toBe("2026-09-22T01:30:00.000Z");
    expect(parseInstant("2026-09-22T01:30Z")).toBe("2026-09-22T01:30:00.000Z");
    expect(parseInstant("2026-09-21T20:30:00.5-0500")).toBe("2026-09-22T01:30:00.500Z");
    for (const bad of [
      "2026-09-22T09:30",
      "2026-02-29 10:00",
      "2026-09-22 24:00",
      "22/09/2026 09:30",
      "2026-09-22",
    ])
      expect(parseInstant(bad)).toBeNull();
    expect(parseInstant("2026-09-22 09:30", false)).toBeNull();
  });
});
