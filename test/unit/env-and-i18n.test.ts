import { describe, expect, it } from "vitest";
import { localeFromAcceptLanguage, matchLocale } from "../../app/i18n";
import { EnvError, parseEnv } from "../../app/utils/env.server";
import { safeRedirect } from "../../app/utils/http.server";

describe("environment", () => {
  it("runs a fresh checkout on defaults: SQLite under data/, local Redis, port 3000", () => {
    const env = parseEnv({ DATA_DIR: ".cache/test/env", SESSION_SECRET: "x".repeat(40) });
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toMatch(/\.cache\/test\/env\/pledge\.sqlite$/);
    expect(env.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(env.COOKIE_SECURE).toBe(true);
  });

  it("names every bad variable", () => {
    expect(() => parseEnv({ PORT: "eighty", REDIS_URL: "http://x", SESSION_SECRET: "short" })).toThrow(
      EnvError,
    );
    try {
      parseEnv({ PORT: "eighty", REDIS_URL: "http://x", SESSION_SECRET: "short" });
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toContain("PORT");
      expect(msg).toContain("REDIS_URL");
      expect(msg).toContain("SESSION_SECRET");
    }
  });

  it("the retention periods and the worker's stop timeout: defaults, and named when bad", () => {
    const env = parseEnv({ DATA_DIR: ".cache/test/env", SESSION_SECRET: "x".repeat(40) });
    expect(env.RETENTION_ATTACHMENT_DAYS).toBe(730);
    expect(env.RETENTION_OUTBOX_DAYS).toBe(90);
    expect(env.WORKER_CLOSE_TIMEOUT_MS).toBe(30_000);
    const bad = {
      DATA_DIR: ".cache/test/env",
      SESSION_SECRET: "x".repeat(40),
      RETENTION_ATTACHMENT_DAYS: "two years",
      RETENTION_OUTBOX_DAYS: "0",
      WORKER_CLOSE_TIMEOUT_MS: "-1",
    };
    expect(() => parseEnv(bad)).toThrow(EnvError);
    try {
      parseEnv(bad);
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toContain("RETENTION_ATTACHMENT_DAYS");
      expect(msg).toContain("RETENTION_OUTBOX_DAYS");
      expect(msg).toContain("WORKER_CLOSE_TIMEOUT_MS");
    }
  });

  it("generates a session secret once and keeps it", () => {
    const a = parseEnv({ DATA_DIR: ".cache/test/env-secret" }).SESSION_SECRET;
    const b = parseEnv({ DATA_DIR: ".cache/test/env-secret" }).SESSION_SECRET;
    expect(a).toHaveLength(43);
    expect(b).toBe(a);
  });
});

describe("language choice", () => {
  it("maps Accept-Language to our two languages by preference", () => {
    expect(localeFromAcceptLanguage("zh-HK,zh;q=0.9,en;q=0.8")).toBe("zh-HK");
    expect(localeFromAcceptLanguage("en-GB,en;q=0.9,zh-TW;q=0.8")).toBe("en");
    expect(localeFromAcceptLanguage("fr-FR,zh-TW;q=0.5")).toBe("zh-HK");
    expect(localeFromAcceptLanguage("fr-FR")).toBeNull();
    expect(matchLocale("zh-Hant-HK")).toBe("zh-HK");
  });
});

describe("redirects after sign-in", () => {
  it("stay on this site", () => {
    expect(safeRedirect("/admin/staff")).toBe("/admin/staff");
    expect(safeRedirect("//evil.example")).toBe("/staff");
    expect(safeRedirect("https://evil.example")).toBe("/staff");
    expect(safeRedirect("/\\evil.example")).toBe("/staff");
  });

  it("refuse what browsers read as another site (tabs, newlines, backslashes)", () => {
    const hostile = [
      "/\t/evil.example",
      "/\n/evil.example",
      "/\r\n/evil.example",
      "/\\/evil.example",
      "\\\\evil.example",
      " //evil.example",
      "///evil.example",
      "/\u0000//evil.example",
      "javascript:alert(1)",
      "http:evil.example",
    ];
    for (const to of hostile) expect(safeRedirect(to), JSON.stringify(to)).toBe("/staff");
    expect(safeRedirect("/staff/cases?queue=mine#top")).toBe("/staff/cases?queue=mine#top");
    expect(safeRedirect("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example");
  });
});
