import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { logFeedback } from "~/models/feedback/entries.server";
import { generateDepartmentReport } from "~/models/reports/build.server";
import { loader as pdfLoader } from "~/routes/reports.$id_[.]pdf";
import { LOCALE_COOKIE } from "~/utils/cookies.server";
import { useTestApp } from "../setup/app";
import { getRequest, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

const NOW = new Date("2026-11-27T04:00:00Z");
const MONTH = "2026-10";

describe("monthly report as PDF", () => {
  const app = useTestApp("sqlite");

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
  });
  afterEach(async () => {
    vi.useRealTimers();
  });

  const deptId = async (code: string) =>
    (await app.db.selectFrom("departments").select("id").where("code", "=", code).executeTakeFirstOrThrow())
      .id;

  /** IMMD's October report, with an important feedback entry written in Chinese. */
  async function immdReport() {
    const immd = await deptId("IMMD");
    const counter = await app.db
      .selectFrom("staff_users")
      .select("id")
      .where("username", "=", "counter.immd")
      .executeTakeFirstOrThrow();
    vi.setSystemTime(new Date("2026-10-10T02:00:00.000Z"));
    await logFeedback(
      app.db,
      app.context.env.PII_KEY,
      { id: counter.id, departmentId: immd },
      {
        kind: "complaint",
        channel: "hotline",
        serviceId: null,
        summary: "灣仔辦事處輪候時間太長",
        language: "zh-HK",
        important: true,
        wantsReply: false,
      },
    );
    vi.setSystemTime(NOW);
    return generateDepartmentReport(app.db, immd, MONTH, NOW);
  }

  const fetchPdf = (id: number, cookie: string, locale?: string) =>
    settle(() =>
      pdfLoader({
        request: getRequest(`/reports/${id}.pdf`, {
          cookie: locale ? `${cookie}; ${LOCALE_COOKIE}=${locale}` : cookie,
        }),
        context: app.context,
        params: { id_: String(id) },
      }),
    );

  it("gives the department's manager a PDF in English or Chinese, set in the CJK font", async () => {
    const { id } = await immdReport();
    const manager = await signInAs(app.c, "manager.immd");

    for (const locale of ["en", "zh-HK"]) {
      const res = await fetchPdf(id, manager, locale);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/pdf");
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="report-IMMD-${MONTH}.pdf"`);
      expect(res.headers.get("cache-control")).toBe("private, no-store");
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      const text = bytes.toString("latin1");
      // Embedded (subset) Noto Sans CJK, and the document's language.
      expect(text).toMatch(/\/FontName \/[A-Z]{6}\+NotoSansCJK(hk|tc)-Regular/);
      expect(text).toContain(`/Lang (${locale})`);
      expect(text).toMatch(/%%EOF\s*$/);
    }
  });

  it("hides another department's report (404), and says plainly when the font is missing (503)", async () => {
    const { id } = await immdReport();
    // Hongkong Post's administrator, made a manager here: a reader of reports, of another department.
    await app.db
      .updateTable("staff_users")
      .set({ role: "manager" })
      .where("username", "=", "admin.hkp")
      .execute();
    const other = await fetchPdf(id, await signInAs(app.c, "admin.hkp"));
    expect(other.status).toBe(404);
    const denied = await app.db
      .selectFrom("audit_events")
      .select(["entity_type", "entity_id"])
      .where("action", "=", "access.denied")
      .execute();
    expect(denied).toContainEqual({ entity_type: "report", entity_id: String(id) });
    expect(await fetchPdf(id, await signInAs(app.c, "counter.immd")).then((r) => r.status)).toBe(404);

    const manager = await signInAs(app.c, "manager.immd");
    const saved = process.env.PDF_FONT;
    process.env.PDF_FONT = "/nonexistent/NotoSansCJK-Regular.ttc";
    try {
      const res = await fetchPdf(id, manager, "zh-HK");
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const page = await res.text();
      expect(page).toContain("fonts-noto-cjk");
      expect(page).toContain("字型套件");
    } finally {
      if (saved === undefined) delete process.env.PDF_FONT;
      else process.env.PDF_FONT = saved;
    }
  });
});
