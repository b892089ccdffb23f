import { describe, expect, it } from "vitest";
import { createCase } from "~/models/cases/intake.server";
import { moveCase } from "~/models/cases/lifecycle.server";
import { action as settingsAction, loader as settingsLoader } from "~/routes/admin.case-settings";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

describe.each(DB_KINDS)("the survey sent after a case closes, a department setting [%s]", (kind) => {
  const app = useTestApp(kind);

  const surveyId = async (slug: string) =>
    (await app.db.selectFrom("surveys").select("id").where("slug", "=", slug).executeTakeFirstOrThrow()).id;
  const choose = (cookie: string, closureSurveyId: string) =>
    settle(() =>
      settingsAction({
        request: postForm(
          "/admin/case-settings",
          { intent: "closure-survey", closureSurveyId },
          { csrfToken: app.csrfToken, cookie },
        ),
        context: app.context,
        params: {},
      }),
    );

  /** Opens and closes a case of IMMD; returns the invitation's survey slug, or null for none. */
  async function closeACase(): Promise<string | null> {
    const key = app.context.env.PII_KEY;
    const dept = await app.db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const officer = await app.db
      .selectFrom("staff_users")
      .select("id")
      .where("username", "=", "officer.immd")
      .executeTakeFirstOrThrow();
    const { id } = await app.db.transaction().execute((trx) =>
      createCase(trx, key, {
        departmentId: dept.id,
        serviceId: null,
        channel: "web",
        language: "en",
        whatHappened: "Waited too long",
        desiredOutcome: "",
        contact: { email: "citizen@example.com" },
        consent: true,
      }),
    );
    for (const [action, input] of [
      ["acknowledge", {}],
      ["reply", { body: "Done" }],
      ["close", {}],
    ] as const) {
      expect((await moveCase(app.db, { id: officer.id, departmentId: dept.id }, id, action, input)).ok).toBe(
        true,
      );
    }
    const invitation = await app.db
      .selectFrom("case_survey_invitations as i")
      .innerJoin("surveys as s", "s.id", "i.survey_id")
      .select("s.slug")
      .where("i.case_id", "=", id)
      .executeTakeFirst();
    return invitation?.slug ?? null;
  }

  it("shows the department's surveys and the seed's choice; another choice is used from the next closure", async () => {
    const cookie = await signInAs(app.c, "admin.immd");
    const page = await settle(() =>
      settingsLoader({
        request: getRequest("/admin/case-settings", { cookie }),
        context: app.context,
        params: {},
      }),
    );
    const data = await page.json();
    expect(data.closureSurvey.selected).toBe(await surveyId("immdcase"));
    // Only IMMD's surveys.
    expect(data.closureSurvey.choices.map((c: { slug: string }) => c.slug).sort()).toEqual([
      "immdcase",
      "immdcsat",
    ]);
    expect(await closeACase()).toBe("immdcase");

    const saved = await choose(cookie, String(await surveyId("immdcsat")));
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toBe("/admin/case-settings?saved=closure-survey");
    expect(await closeACase()).toBe("immdcsat");

    // None: no invitation at all.
    expect((await choose(cookie, "")).status).toBe(302);
    expect(await closeACase()).toBeNull();
    const outbox = await app.db
      .selectFrom("outbox_messages")
      .select("kind")
      .where("kind", "=", "case.survey-invitation")
      .execute();
    expect(outbox).toHaveLength(2);

    const audit = await app.db
      .selectFrom("audit_events")
      .select("action")
      .where("action", "=", "department-settings.update")
      .execute();
    expect(audit).toHaveLength(2);
  });

  it("refuses another department's survey or one that does not exist, and other roles", async () => {
    const cookie = await signInAs(app.c, "admin.immd");
    for (const bad of [String(await surveyId("hkpcsat")), "999999", "abc"]) {
      const r = await choose(cookie, bad);
      expect(r.status).toBe(400);
      expect((await r.json()).errors).toEqual({
        closureSurveyId: "staffAccount.caseSurvey.errors.unknownSurvey",
      });
    }
    expect(await closeACase()).toBe("immdcase");
    const manager = await signInAs(app.c, "manager.immd");
    expect((await choose(manager, "")).status).toBe(404);
    expect(await closeACase()).toBe("immdcase");
  });
});
