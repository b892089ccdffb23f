import { describe, expect, it } from "vitest";
import en from "../../app/locales/en.json";
import zh from "../../app/locales/zh-HK.json";

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
      return !/[\u4e00-\u9fff]/.test(at(zh, k)) && k !== "layout.otherLanguage";
    });
    expect(notChinese).toEqual([]);
  });
});
