import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resources } from "../../app/i18n";

const en = resources.en.common;
const zh = resources["zh-HK"].common;
const dir = path.resolve("app/locales");

function keys(obj: unknown, prefix = ""): string[] {
  if (typeof obj !== "object" || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

/** The string at a dotted key. */
function at(obj: unknown, key: string): string {
  let cur: unknown = obj;
  for (const part of key.split(".")) cur = (cur as Record<string, unknown>)[part];
  return String(cur);
}

function values(obj: unknown): string[] {
  if (typeof obj === "string") return [obj];
  if (typeof obj !== "object" || obj === null) return [];
  return Object.values(obj).flatMap(values);
}

describe("locale files", () => {
  it("come in pairs: every feature file exists in both languages, and each is loaded", () => {
    const enFiles = fs.readdirSync(path.join(dir, "en")).sort();
    expect(fs.readdirSync(path.join(dir, "zh-HK")).sort()).toEqual(enFiles);
    const i18nSource = fs.readFileSync(path.resolve("app/i18n.ts"), "utf8");
    for (const f of enFiles) {
      expect(i18nSource).toContain(`./locales/en/${f}`);
      expect(i18nSource).toContain(`./locales/zh-HK/${f}`);
    }
  });

  it("never define the same top-level key in two feature files (they would overwrite each other)", () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const f of fs.readdirSync(path.join(dir, "en"))) {
      const json = JSON.parse(fs.readFileSync(path.join(dir, "en", f), "utf8"));
      for (const k of Object.keys(json)) {
        if (seen.has(k)) clashes.push(`${k} in ${seen.get(k)} and ${f}`);
        seen.set(k, f);
      }
    }
    expect(clashes).toEqual([]);
  });

  it("have exactly the same keys in English and Traditional Chinese", () => {
    const enKeys = keys(en).sort();
    const zhKeys = keys(zh).sort();
    expect(zhKeys.filter((k) => !enKeys.includes(k))).toEqual([]);
    expect(enKeys.filter((k) => !zhKeys.includes(k))).toEqual([]);
  });

  it("have no empty strings", () => {
    expect(values(en).filter((v) => v.trim() === "")).toEqual([]);
    expect(values(zh).filter((v) => v.trim() === "")).toEqual([]);
  });

  it("use the same {{placeholders}} in both languages", () => {
    const placeholders = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort().join(",");
    const mismatched = keys(zh).filter((k) => placeholders(at(zh, k)) !== placeholders(at(en, k)));
    expect(mismatched).toEqual([]);
  });

  it("write Chinese in the Chinese file", () => {
    const notChinese = keys(zh).filter((k) => {
      // A file size is written "120 KB" in both languages (docs/glossary.md); a month and its
      // results are joined by a full-width colon and no word.
      const allowed = ["layout.otherLanguage", "cases.attachments.size", "charts.latest"];
      return !/[\u4e00-\u9fff]/.test(at(zh, k)) && !allowed.includes(k);
    });
    expect(notChinese).toEqual([]);
  });
});
