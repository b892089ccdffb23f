import { describe, expect, it } from "vitest";
import { resources } from "~/i18n";
import { REVIEW_QUESTION_KEYS } from "~/models/reviews/questions";
import { action as importAction, loader as importLoader } from "~/routes/central.reviews.$id_.import";
import { useTestApp } from "../setup/app";
import { ORIGIN } from "../setup/context";
import { DB_KINDS } from "../setup/db";
import { getRequest, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

/** A translation key's words in one language (the key must be there). */
function words(lang: "en" | "zh-HK", key: string): string {
  let node: unknown = resources[lang].common;
  for (const part of key.split(".")) node = (node as Record<string, unknown>)[part];
  expect(typeof node, `${lang} ${key}`).toBe("string");
  return node as string;
}

type Refusal = {
  errors: { line: number; key: string; column?: string; values?: Record<string, string | number> }[];
  errorCount: number;
  formError?: string;
};

describe.each(DB_KINDS)("review returns loaded from a CSV file [%s]", (kind) => {
  const app = useTestApp(kind);

  const openRound = async (deadline: string, status: "open" | "published" = "open") =>
    (
      await app.db
        .insertInto("review_rounds")
        .values({
          period_from: "2023-12",
          period_to: "2026-11",
          deadline,
          status,
          created_at: "2026-12-01T00:00:00.000Z",
          created_by: null,
          published_at: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  const deptId = async (code: string) =>
    (await app.db.selectFrom("departments").select("id").where("code", "=", code).executeTakeFirstOrThrow())
      .id;
  const returns = async () =>
    app.db.selectFrom("review_returns").selectAll().orderBy("department_id").execute();
  /** The file as a browser uploads it: multipart, with the CSRF token and the session. */
  const upload = (cookie: string, roundId: number, csv: string, name = "returns.csv") => {
    const form = new FormData();
    form.set("csrf", app.csrfToken);
    form.set("file", new File([csv], name, { type: "text/csv" }));
    const request = new Request(`${ORIGIN}/central/reviews/${roundId}/import`, {
      method: "POST",
      headers: { Cookie: `pledge_csrf=${app.csrfToken}; ${cookie}`, Origin: ORIGIN },
      body: form,
    });
    return settle(() => importAction({ request, context: app.context, params: { id: String(roundId) } }));
  };
  const header = ["department_code", ...REVIEW_QUESTION_KEYS].join(",");
  const row = (code: string, overrides: Record<string, string> = {}) =>
    [
      code,
      ...REVIEW_QUESTION_KEYS.map((k) => overrides[k] ?? (k === "services_pledged_share" ? "75" : "yes")),
    ].join(",");

  it("stores a good file as submitted returns, an existing draft included, and audits it", async () => {
    const reviewer = await signInAs(app.c, "reviewer");
    const round = await openRound("2999-12-31");
    // HKP had started a draft on the form: the file's answers replace it and submit it.
    await app.db
      .insertInto("review_returns")
      .values({
        round_id: round,
        department_id: await deptId("HKP"),
        status: "draft",
        answers: "{}",
        source: "form",
        submitted_at: null,
        submitted_by: null,
        returned_at: null,
        returned_by: null,
        return_reason: null,
        updated_at: "2026-12-02T00:00:00.000Z",
      })
      .execute();
    const csv = [
      "department_code,publishes_results,benchmarked,services_pledged_share,all_services_pledged,publishes_results_note",
      "immd,YES,False,100,1,",
      'HKP,no,0,62.5,No,"Published in the annual report, not online"',
      "WSD,true,,,,",
    ].join("\r\n");
    const r = await upload(reviewer, round, csv);
    expect(r.status, await r.clone().text()).toBe(302);
    expect(r.headers.get("location")).toBe(`/central/reviews/${round}/import?loaded=3&late=0`);
    const stored = await returns();
    expect(stored).toHaveLength(3);
    for (const s of stored) {
      expect(s).toMatchObject({ round_id: round, status: "submitted", source: "import", is_late: 0 });
      expect(s.submitted_at).not.toBeNull();
    }
    const byDept = new Map(stored.map((s) => [s.department_id, JSON.parse(s.answers)]));
    const immd = byDept.get(await deptId("IMMD"));
    expect(immd.publishes_results).toEqual({ value: true, note: "" });
    expect(immd.benchmarked).toEqual({ value: false, note: "" });
    expect(immd.services_pledged_share).toEqual({ value: 100, note: "" });
    expect(immd.feedback_monthly).toEqual({ value: null, note: "" });
    expect(Object.keys(immd).sort()).toEqual([...REVIEW_QUESTION_KEYS].sort());
    const hkp = byDept.get(await deptId("HKP"));
    expect(hkp.publishes_results).toEqual({
      value: false,
      note: "Published in the annual report, not online",
    });
    expect(hkp.services_pledged_share.value).toBe(62.5);
    expect(hkp.all_services_pledged.value).toBe(false);
    const audit = await app.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", "review.import")
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.detail!)).toMatchObject({ returns: 3, late: false });

    const page = (await (
      await settle(() =>
        importLoader({
          request: getRequest(`/central/reviews/${round}/import?loaded=3&late=0`, { cookie: reviewer }),
          context: app.context,
          params: { id: String(round) },
        }),
      )
    ).json()) as { loaded: { stored: number } };
    expect(page.loaded.stored).toBe(3);
  });

  it("marks the returns late when loaded after the deadline", async () => {
    const sys = await signInAs(app.c, "sysadmin");
    const round = await openRound("2020-01-31");
    const r = await upload(sys, round, [header, row("IMMD")].join("\n"));
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toContain("late=1");
    expect((await returns())[0]).toMatchObject({ is_late: 1, status: "submitted" });
  });

  it("refuses each bad file with every error's line and column in both languages, and changes nothing", async () => {
    const reviewer = await signInAs(app.c, "reviewer");
    const round = await openRound("2999-12-31");
    // IMMD's return is already submitted (on the form).
    await app.db
      .insertInto("review_returns")
      .values({
        round_id: round,
        department_id: await deptId("IMMD"),
        status: "submitted",
        answers: "{}",
        source: "form",
        submitted_at: "2026-12-03T00:00:00.000Z",
        submitted_by: null,
        returned_at: null,
        returned_by: null,
        return_reason: null,
        updated_at: "2026-12-03T00:00:00.000Z",
      })
      .execute();
    const before = await returns();
    const cases: [string, string[], { line: number; key: string; column?: string }[]][] = [
      [
        "unknown department",
        [header, row("WSD"), row("NOPE")],
        [{ line: 3, key: "unknownDepartment", column: "department_code" }],
      ],
      [
        "shares outside 0–100",
        [header, row("WSD", { services_pledged_share: "101" }), row("HKP", { services_pledged_share: "-5" })],
        [
          { line: 2, key: "share", column: "services_pledged_share" },
          { line: 3, key: "share", column: "services_pledged_share" },
        ],
      ],
      [
        "a share that is not a number",
        [header, row("WSD", { services_pledged_share: "most" })],
        [{ line: 2, key: "share", column: "services_pledged_share" }],
      ],
      [
        "a bad boolean",
        [header, row("WSD", { benchmarked: "maybe" })],
        [{ line: 2, key: "boolean", column: "benchmarked" }],
      ],
      [
        "an unknown column",
        [`${header},colour`, `${row("WSD")},red`],
        [{ line: 1, key: "unknownColumn", column: "colour" }],
      ],
      [
        "no department_code column",
        ["publishes_results", "yes"],
        [{ line: 1, key: "missingColumn", column: "department_code" }],
      ],
      [
        "a department twice",
        [header, row("WSD"), row("HKP"), row("wsd")],
        [{ line: 4, key: "duplicateDepartment", column: "department_code" }],
      ],
      [
        "a return already submitted",
        [header, row("WSD"), row("IMMD")],
        [{ line: 3, key: "submitted", column: "department_code" }],
      ],
      [
        "several at once",
        [header, row("NOPE", { benchmarked: "perhaps" }), row("HKP", { services_pledged_share: "200" })],
        [
          { line: 2, key: "unknownDepartment", column: "department_code" },
          { line: 2, key: "boolean", column: "benchmarked" },
          { line: 3, key: "share", column: "services_pledged_share" },
        ],
      ],
      ["a row too short", [header, "WSD,yes"], [{ line: 2, key: "fieldCount" }]],
      ["an empty file", ["", "", ""], [{ line: 1, key: "empty" }]],
    ];
    for (const [what, lines, expected] of cases) {
      const r = await upload(reviewer, round, lines.join("\n"));
      expect(r.status, what).toBe(400);
      const body = (await r.json()) as Refusal;
      expect(
        body.errors.map((e) => ({ line: e.line, key: e.key, ...(e.column ? { column: e.column } : {}) })),
        what,
      ).toEqual(expect.arrayContaining(expected.map((e) => ({ ...e, key: `reviewImport.errors.${e.key}` }))));
      expect(body.errorCount, what).toBe(expected.length);
      for (const e of body.errors) {
        expect(words("en", e.key)).not.toBe(e.key);
        expect(words("zh-HK", e.key)).toMatch(/\p{Script=Han}/u);
      }
      expect(await returns(), what).toEqual(before);
    }
    expect(
      await app.db.selectFrom("audit_events").select("id").where("action", "=", "review.import").execute(),
    ).toEqual([]);

    // No file at all; a round no longer open.
    const none = await upload(reviewer, round, "", "empty.csv");
    expect(((await none.json()) as Refusal).formError).toBe("reviewImport.errors.noFile");
    const published = await openRound("2999-12-31", "published");
    const closed = await upload(reviewer, published, [header, row("WSD")].join("\n"));
    expect(closed.status).toBe(409);
    expect(((await closed.json()) as Refusal).formError).toBe("reviewImport.errors.roundNotOpen");
    expect(await returns()).toEqual(before);
  });

  it("is the central bureau's only: a department administrator gets 404, a post without the token 403", async () => {
    const round = await openRound("2999-12-31");
    const admin = await signInAs(app.c, "admin.immd");
    expect((await upload(admin, round, [header, row("IMMD")].join("\n"))).status).toBe(404);
    const reviewer = await signInAs(app.c, "reviewer");
    const form = new FormData();
    form.set("file", new File([[header, row("IMMD")].join("\n")], "r.csv"));
    const forged = await settle(() =>
      importAction({
        request: new Request(`${ORIGIN}/central/reviews/${round}/import`, {
          method: "POST",
          headers: { Cookie: `pledge_csrf=${app.csrfToken}; ${reviewer}`, Origin: ORIGIN },
          body: form,
        }),
        context: app.context,
        params: { id: String(round) },
      }),
    );
    expect(forged.status).toBe(403);
    expect(await returns()).toEqual([]);
    expect((await upload(reviewer, 999_999, [header, row("IMMD")].join("\n"))).status).toBe(404);
  });
});
