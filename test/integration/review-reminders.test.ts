import { describe, expect, it } from "vitest";
import { remindReviewReturns } from "~/models/reviews/reminders.server";
import { decryptPii } from "~/utils/crypto.server";
import { JOBS } from "../../jobs/definitions";
import { buildHandlers } from "../../jobs/processors/registry";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";

/*
 * The round's deadline is Sunday 20 December 2026. The worker's morning run (08:00 Hong Kong time)
 * on Sunday 13 December is a week before it, Saturday 19 December the day before, Monday 21
 * December the first day after: weekends, so the hook must run on days off too.
 */
const DEADLINE = "2026-12-20";
const at8 = (day: string) => new Date(`${day}T00:00:00.000Z`);
const WEEK_BEFORE = at8("2026-12-13");
const FIVE_BEFORE = at8("2026-12-15");
const DAY_BEFORE = at8("2026-12-19");
const DAY_AFTER = at8("2026-12-21");
const TWO_DAYS_AFTER = at8("2026-12-22");

describe.each(DB_KINDS)("reminders of open review returns [%s]", (kind) => {
  const app = useTestApp(kind);

  const deptId = async (code: string) =>
    (await app.db.selectFrom("departments").select("id").where("code", "=", code).executeTakeFirstOrThrow())
      .id;
  const openRound = async () =>
    (
      await app.db
        .insertInto("review_rounds")
        .values({
          period_from: "2023-12",
          period_to: "2026-11",
          deadline: DEADLINE,
          status: "open",
          created_at: "2026-12-01T00:00:00.000Z",
          created_by: null,
          published_at: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  const submit = async (round: number, code: string, status: "submitted" | "draft" = "submitted") =>
    app.db
      .insertInto("review_returns")
      .values({
        round_id: round,
        department_id: await deptId(code),
        status,
        answers: "{}",
        source: "form",
        submitted_at: status === "submitted" ? "2026-12-10T00:00:00.000Z" : null,
        submitted_by: null,
        returned_at: null,
        returned_by: null,
        return_reason: null,
        updated_at: "2026-12-10T00:00:00.000Z",
      })
      .execute();
  const addAdmin = async (username: string, code: string, email: string | null, language: string | null) =>
    app.db
      .insertInto("staff_users")
      .values({
        username,
        display_name: username,
        role: "department_admin",
        department_id: await deptId(code),
        password_hash: "x",
        is_active: 1,
        email,
        language,
        created_at: "2026-01-01T00:00:00.000Z",
        updated_at: "2026-01-01T00:00:00.000Z",
      })
      .execute();
  /** The morning job as the worker runs it (jobs/processors/registry.ts), at a given instant. */
  const morning = (now: Date) =>
    buildHandlers({ db: app.db, env: app.context.env, mailer: null, now: () => now })[JOBS.casesRemindDue](
      {},
      { jobId: "test", attempt: 1, log: () => undefined },
    ) as Promise<{ reviews: { reminders: number; lateLists: number } }>;
  const mail = async () => {
    const rows = await app.db
      .selectFrom("outbox_messages")
      .selectAll()
      .where("kind", "in", ["review.reminder", "review.late"])
      .orderBy("id")
      .execute();
    return rows.map((m) => ({
      to: decryptPii(app.context.env.PII_KEY, m.to_enc),
      kind: m.kind,
      key: m.dedupe_key,
      subject: m.subject,
      body: m.body_text,
    }));
  };

  it("reminds administrators of unsubmitted returns a week and a day before, once each, then tells the central bureau who is late", async () => {
    const round = await openRound();
    // Hongkong Post has submitted; the Water Supplies Department has a draft (still to remind),
    // and its administrator reads Chinese. An administrator without an address is skipped.
    await submit(round, "HKP");
    await submit(round, "WSD", "draft");
    await addAdmin("admin.wsd", "WSD", "admin.wsd@pledge.example", "zh-HK");
    await addAdmin("admin2.immd", "IMMD", null, null);

    // Eight days before: nothing yet.
    expect((await remindReviewReturns(app.db, app.context.env.PII_KEY, at8("2026-12-12"))).reminders).toBe(0);

    expect((await morning(WEEK_BEFORE)).reviews).toEqual({ reminders: 2, lateLists: 0 });
    let sent = await mail();
    expect(sent.map((m) => m.to).sort()).toEqual(["admin.immd@pledge.example", "admin.wsd@pledge.example"]);
    const immd = sent.find((m) => m.to === "admin.immd@pledge.example")!;
    // admin.immd's language is not known yet: both languages, English first.
    expect(immd.subject).toContain("Immigration Department");
    expect(immd.subject).toContain("20 December 2026");
    expect(immd.subject).toContain("入境事務處");
    expect(immd.body).toContain("{{APP_ORIGIN}}/admin/reviews");
    const wsd = sent.find((m) => m.to === "admin.wsd@pledge.example")!;
    expect(wsd.subject).toBe("提示：水務署的申報須於2026年12月20日前提交");
    expect(wsd.body).toContain("2023年12月至2026年11月");
    expect(wsd.body).not.toMatch(/December/);

    // Run again the same morning, and two days later: nothing more.
    expect((await morning(WEEK_BEFORE)).reviews).toEqual({ reminders: 0, lateLists: 0 });
    expect((await morning(FIVE_BEFORE)).reviews).toEqual({ reminders: 0, lateLists: 0 });
    expect(await mail()).toHaveLength(2);

    // The day before: WSD has submitted meanwhile; only IMMD's administrator hears again.
    await app.db
      .updateTable("review_returns")
      .set({ status: "submitted", submitted_at: "2026-12-18T00:00:00.000Z" })
      .where("department_id", "=", await deptId("WSD"))
      .execute();
    expect((await morning(DAY_BEFORE)).reviews).toEqual({ reminders: 1, lateLists: 0 });
    expect((await morning(DAY_BEFORE)).reviews).toEqual({ reminders: 0, lateLists: 0 });
    sent = await mail();
    expect(sent).toHaveLength(3);
    expect(sent[2]!.to).toBe("admin.immd@pledge.example");
    expect(new Set(sent.map((m) => m.key)).size).toBe(3);

    // After the deadline: one list to the central reviewer, once; administrators hear nothing more.
    expect((await morning(DAY_AFTER)).reviews).toEqual({ reminders: 0, lateLists: 1 });
    expect((await morning(TWO_DAYS_AFTER)).reviews).toEqual({ reminders: 0, lateLists: 0 });
    sent = await mail();
    expect(sent).toHaveLength(4);
    const late = sent[3]!;
    expect(late).toMatchObject({ to: "reviewer@pledge.example", kind: "review.late" });
    const departments = await app.db
      .selectFrom("departments")
      .select("code")
      .where("is_active", "=", 1)
      .execute();
    const lateCodes = departments.map((d) => d.code).filter((c) => c !== "HKP" && c !== "WSD");
    expect(late.subject).toContain(`${lateCodes.length} departments`);
    for (const code of lateCodes) expect(late.body).toContain(`${code}  `);
    expect(late.body).not.toMatch(/\bHKP\b|\bWSD\b/);
    expect(late.body).toContain(`{{APP_ORIGIN}}/central/reviews/${round}`);
  });

  it("sends nothing for a round no longer open, or when every return is in", async () => {
    const round = await openRound();
    await app.db.updateTable("review_rounds").set({ status: "published" }).where("id", "=", round).execute();
    expect(await remindReviewReturns(app.db, app.context.env.PII_KEY, DAY_BEFORE)).toEqual({
      reminders: 0,
      lateLists: 0,
    });
    expect(await remindReviewReturns(app.db, app.context.env.PII_KEY, DAY_AFTER)).toEqual({
      reminders: 0,
      lateLists: 0,
    });
    const second = await openRound();
    for (const d of await app.db.selectFrom("departments").select("code").execute())
      await submit(second, d.code);
    expect(await remindReviewReturns(app.db, app.context.env.PII_KEY, DAY_BEFORE)).toEqual({
      reminders: 0,
      lateLists: 0,
    });
    expect(await remindReviewReturns(app.db, app.context.env.PII_KEY, DAY_AFTER)).toEqual({
      reminders: 0,
      lateLists: 0,
    });
    expect(await mail()).toEqual([]);
  });
});
