import { beforeEach, describe, expect, it } from "vitest";
import { createCase } from "~/models/cases/intake.server";
import { moveCase } from "~/models/cases/lifecycle.server";
import { action as settingsAction, loader as settingsLoader } from "~/routes/admin.case-settings";
import { action as centralAction, loader as centralLoader } from "~/routes/central.closure-days";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

/*
 * Closure days (typhoon signal No. 8, black rainstorm) are not working days: entering one moves
 * the due dates of the open cases whose deadline window covers it, and removing it moves them back.
 *
 * November 2026 has no general holiday. A case received on Monday 2 November with 5 working days
 * to acknowledge and 10 to reply is due on Monday 9 and Monday 16 November; a closure on
 * Wednesday 4 November makes that Tuesday 10 and Tuesday 17.
 */
const MONDAY = "2026-11-02T02:00:00.000Z"; // 10:00 in Hong Kong
const THURSDAY = "2026-11-05T02:00:00.000Z";

describe.each(DB_KINDS)("closure days move deadlines [%s]", (kind) => {
  const app = useTestApp(kind);

  beforeEach(async () => {
    for (const code of ["IMMD", "HKP"]) {
      const row = {
        ack_days: 5,
        ack_unit: "working" as const,
        reply_days: 10,
        reply_unit: "working" as const,
        appeal_window_days: 30,
        appeal_reply_days: 20,
        appeal_reply_unit: "working" as const,
        purge_after_days: 730,
        updated_at: new Date().toISOString(),
      };
      await app.db
        .insertInto("case_settings")
        .values({ department_id: await departmentId(code), ...row })
        .onConflict((oc) => oc.column("department_id").doUpdateSet(row))
        .execute();
    }
  });

  async function departmentId(code: string): Promise<number> {
    return (
      await app.db.selectFrom("departments").select("id").where("code", "=", code).executeTakeFirstOrThrow()
    ).id;
  }
  async function staffId(username: string): Promise<number> {
    return (
      await app.db
        .selectFrom("staff_users")
        .select("id")
        .where("username", "=", username)
        .executeTakeFirstOrThrow()
    ).id;
  }

  async function newCase(code: string, receivedAt = MONDAY) {
    return createCase(app.db, app.context.env.PII_KEY, {
      departmentId: await departmentId(code),
      serviceId: null,
      channel: "web",
      language: "en",
      whatHappened: "The counter closed early.",
      desiredOutcome: "",
      contact: { email: "lee.siu.fong@example.com" },
      consent: true,
      receivedAt,
    });
  }

  const dues = async (id: number) => {
    const r = await app.db
      .selectFrom("cases")
      .select(["ack_due", "reply_due"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    return { ack: r.ack_due, reply: r.reply_due };
  };
  const deadlineEvents = (id: number) =>
    app.db
      .selectFrom("case_events")
      .selectAll()
      .where("case_id", "=", id)
      .where("kind", "not in", ["transition", "note", "reply", "assign"])
      .orderBy("id")
      .execute();
  const audits = (action: string) =>
    app.db.selectFrom("audit_events").selectAll().where("action", "=", action).orderBy("id").execute();
  const closures = () => app.db.selectFrom("closure_days").selectAll().orderBy("id").execute();

  function postSettings(fields: Record<string, string>, cookie: string, options: { csrf?: null } = {}) {
    return settle(() =>
      settingsAction({
        request: postForm("/admin/case-settings", fields, { csrfToken: app.csrfToken, cookie, ...options }),
        context: app.context,
        params: {},
      }),
    );
  }
  const typhoon = (date: string) => ({
    intent: "closure",
    date,
    reasonEn: "Typhoon signal No. 8",
    reasonZh: "八號烈風或暴風信號",
  });

  it("moves a department's open cases one working day for its closure day, and back when it is removed", async () => {
    const admin = await signInAs(app.c, "admin.immd");
    const open = await newCase("IMMD");
    const later = await newCase("IMMD", THURSDAY); // received after the closure: not covered
    const otherDept = await newCase("HKP");
    const stopped = await newCase("IMMD");
    await moveCase(
      app.db,
      { id: await staffId("officer.immd"), departmentId: null },
      stopped.id,
      "stop-clock",
      {
        reason: "Asked for the receipt",
      },
    );
    expect(await dues(open.id)).toEqual({ ack: "2026-11-09", reply: "2026-11-16" });
    const laterBefore = await dues(later.id);
    const hkpBefore = await dues(otherDept.id);
    expect(await dues(stopped.id)).toEqual({ ack: null, reply: null });

    // Without the CSRF token: refused, nothing written.
    expect((await postSettings(typhoon("2026-11-04"), admin, { csrf: null })).status).toBe(403);
    expect(await closures()).toEqual([]);

    const added = await postSettings(typhoon("2026-11-04"), admin);
    expect(added.status).toBe(302);
    expect(await dues(open.id)).toEqual({ ack: "2026-11-10", reply: "2026-11-17" });
    expect(await dues(later.id)).toEqual(laterBefore);
    expect(await dues(otherDept.id)).toEqual(hkpBefore);
    expect(await dues(stopped.id)).toEqual({ ack: null, reply: null });

    // The move is in the case's history (staff only) and in the audit log.
    const moved = await deadlineEvents(open.id);
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({
      kind: "deadline",
      actor_user_id: await staffId("admin.immd"),
      visible_to_citizen: 0,
    });
    for (const id of [later.id, otherDept.id, stopped.id]) expect(await deadlineEvents(id)).toEqual([]);
    const moveAudits = await audits("case.deadline-move");
    expect(moveAudits.map((a) => a.entity_id)).toEqual([String(open.id)]);
    expect(await audits("closure-day.create")).toHaveLength(1);

    // Removed (it was entered by mistake): the due dates come back.
    const [day] = await closures();
    const removed = await postSettings({ intent: "remove-closure", closureId: String(day!.id) }, admin);
    expect(removed.status).toBe(302);
    expect(await closures()).toEqual([]);
    expect(await dues(open.id)).toEqual({ ack: "2026-11-09", reply: "2026-11-16" });
    expect(await dues(otherDept.id)).toEqual(hkpBefore);
    expect(await deadlineEvents(open.id)).toHaveLength(2);
    expect(await audits("case.deadline-move")).toHaveLength(2);
    expect(await audits("closure-day.delete")).toHaveLength(1);
  });

  it("leaves closed cases, and cases whose window the day is outside, as they were", async () => {
    const admin = await signInAs(app.c, "admin.immd");
    const officer = { id: await staffId("officer.immd"), departmentId: await departmentId("IMMD") };
    const closed = await newCase("IMMD");
    await moveCase(app.db, officer, closed.id, "acknowledge");
    await moveCase(app.db, officer, closed.id, "reply", { body: "Done." });
    await moveCase(app.db, officer, closed.id, "close");
    const closedRow = () =>
      app.db
        .selectFrom("cases")
        .select(["ack_due", "reply_due", "ack_met", "reply_met"])
        .where("id", "=", closed.id)
        .executeTakeFirstOrThrow();
    const before = await closedRow();
    const open = await newCase("IMMD");

    // A Saturday is no working day anyway; 20 November is past both due dates.
    expect((await postSettings(typhoon("2026-11-07"), admin)).status).toBe(302);
    expect((await postSettings(typhoon("2026-11-20"), admin)).status).toBe(302);
    expect(await dues(open.id)).toEqual({ ack: "2026-11-09", reply: "2026-11-16" });
    expect((await postSettings(typhoon("2026-11-04"), admin)).status).toBe(302);
    expect(await dues(open.id)).toEqual({ ack: "2026-11-10", reply: "2026-11-17" });
    expect(await closedRow()).toEqual(before);
    expect(await deadlineEvents(closed.id)).toEqual([]);
    expect(await deadlineEvents(open.id)).toHaveLength(1);
  });

  it("refuses a bad or repeated date with a message and writes nothing; other departments cannot remove it", async () => {
    const admin = await signInAs(app.c, "admin.immd");
    const open = await newCase("IMMD");
    const bad = await postSettings(typhoon("2026-02-30"), admin);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: { date: "caseSettings.errors.date" } });
    expect((await postSettings(typhoon("2026-11-04"), admin)).status).toBe(302);
    const again = await postSettings(typhoon("2026-11-04"), admin);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ errors: { date: "caseSettings.errors.duplicate" } });
    expect(await closures()).toHaveLength(1);
    expect(await dues(open.id)).toEqual({ ack: "2026-11-10", reply: "2026-11-17" });

    const [day] = await closures();
    const hkp = await signInAs(app.c, "admin.hkp");
    const foreign = await postSettings({ intent: "remove-closure", closureId: String(day!.id) }, hkp);
    expect(foreign.status).toBe(404);
    expect(await closures()).toHaveLength(1);
    expect(await dues(open.id)).toEqual({ ack: "2026-11-10", reply: "2026-11-17" });

    const page = (await (
      await settle(() =>
        settingsLoader({
          request: getRequest("/admin/case-settings", { cookie: admin }),
          context: app.context,
          params: {},
        }),
      )
    ).json()) as { closures: { id: number; date: string; removable: boolean }[] };
    expect(page.closures).toEqual([
      expect.objectContaining({ id: day!.id, date: "2026-11-04", removable: true }),
    ]);
  });

  function postCentral(fields: Record<string, string>, cookie: string, options: { csrf?: null } = {}) {
    return settle(() =>
      centralAction({
        request: postForm("/central/closure-days", fields, { csrfToken: app.csrfToken, cookie, ...options }),
        context: app.context,
        params: {},
      }),
    );
  }
  const centralPage = (cookie: string) =>
    settle(() =>
      centralLoader({
        request: getRequest("/central/closure-days", { cookie }),
        context: app.context,
        params: {},
      }),
    );

  it("lets the central bureau enter a territory-wide closure day that moves every department's cases", async () => {
    const reviewer = await signInAs(app.c, "reviewer");
    const immd = await newCase("IMMD");
    const hkp = await newCase("HKP");
    const black = {
      intent: "closure",
      date: "2026-11-05",
      reasonEn: "Black rainstorm warning",
      reasonZh: "黑色暴雨警告",
    };

    // Department staff cannot reach the page or its forms.
    const deptAdmin = await signInAs(app.c, "admin.immd");
    expect((await centralPage(deptAdmin)).status).toBe(404);
    expect((await postCentral(black, deptAdmin)).status).toBe(404);
    expect((await postCentral(black, reviewer, { csrf: null })).status).toBe(403);
    expect(await closures()).toEqual([]);

    expect((await postCentral(black, reviewer)).status).toBe(302);
    const [day] = await closures();
    expect(day).toMatchObject({ date: "2026-11-05", department_id: null });
    for (const id of [immd.id, hkp.id]) {
      expect(await dues(id)).toEqual({ ack: "2026-11-10", reply: "2026-11-17" });
      expect(await deadlineEvents(id)).toHaveLength(1);
    }
    expect(await audits("case.deadline-move")).toHaveLength(2);
    const page = (await (await centralPage(reviewer)).json()) as { closures: { id: number; date: string }[] };
    expect(page.closures.map((d) => d.date)).toEqual(["2026-11-05"]);

    // Every department counts it: a case received afterwards is due a day later too.
    const afterwards = await newCase("HKP", "2026-11-04T02:00:00.000Z");
    expect((await dues(afterwards.id)).ack).toBe("2026-11-12");

    // A department's administrator sees it but cannot remove it; the central bureau can.
    const seen = (await (
      await settle(() =>
        settingsLoader({
          request: getRequest("/admin/case-settings", { cookie: deptAdmin }),
          context: app.context,
          params: {},
        }),
      )
    ).json()) as { closures: { id: number; territoryWide: boolean; removable: boolean }[] };
    expect(seen.closures).toEqual([
      expect.objectContaining({ id: day!.id, territoryWide: true, removable: false }),
    ]);
    expect(
      (await postSettings({ intent: "remove-closure", closureId: String(day!.id) }, deptAdmin)).status,
    ).toBe(404);
    expect(await closures()).toHaveLength(1);

    expect(
      (await postCentral({ intent: "remove-closure", closureId: String(day!.id) }, reviewer)).status,
    ).toBe(302);
    expect(await closures()).toEqual([]);
    for (const id of [immd.id, hkp.id]) {
      expect(await dues(id)).toEqual({ ack: "2026-11-09", reply: "2026-11-16" });
      expect(await deadlineEvents(id)).toHaveLength(2);
    }
    expect((await dues(afterwards.id)).ack).toBe("2026-11-11");
    expect(await audits("closure-day.delete")).toHaveLength(1);
  });

  it("does not move a department's case twice when it already had its own closure that day", async () => {
    const admin = await signInAs(app.c, "admin.immd");
    const reviewer = await signInAs(app.c, "reviewer");
    const immd = await newCase("IMMD");
    const hkp = await newCase("HKP");
    expect((await postSettings(typhoon("2026-11-04"), admin)).status).toBe(302);
    expect(await dues(immd.id)).toEqual({ ack: "2026-11-10", reply: "2026-11-17" });
    expect((await postCentral(typhoon("2026-11-04"), reviewer)).status).toBe(302);
    expect(await dues(immd.id)).toEqual({ ack: "2026-11-10", reply: "2026-11-17" });
    expect(await dues(hkp.id)).toEqual({ ack: "2026-11-10", reply: "2026-11-17" });
    expect(await deadlineEvents(immd.id)).toHaveLength(1);
    // The department's own entry removed: the territory-wide one still closes the day.
    const own = (await closures()).find((d) => d.department_id != null)!;
    expect((await postSettings({ intent: "remove-closure", closureId: String(own.id) }, admin)).status).toBe(
      302,
    );
    expect(await dues(immd.id)).toEqual({ ack: "2026-11-10", reply: "2026-11-17" });
    expect(await deadlineEvents(immd.id)).toHaveLength(1);
  });
});
