import { describe, expect, it } from "vitest";
import { createCase } from "~/models/cases/intake.server";
import { moveCase } from "~/models/cases/lifecycle.server";
import { loadVersion } from "~/models/surveys/lookup.server";
import { action as citizenAction, loader as citizenLoader } from "~/routes/s.$slug._index";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, settle } from "../setup/requests";

describe.each(DB_KINDS)("acknowledgement and closing the loop [%s]", (kind) => {
  const app = useTestApp(kind);

  it("queues one acknowledgement, and on closing one survey link that can be answered once", async () => {
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
    const { id, reference } = await app.db.transaction().execute((trx) =>
      createCase(trx, key, {
        departmentId: dept.id,
        serviceId: null,
        channel: "web",
        language: "zh-HK",
        whatHappened: "等候太久",
        desiredOutcome: "",
        contact: { email: "wong@example.com" },
        consent: true,
      }),
    );
    let outbox = await app.db.selectFrom("outbox_messages").selectAll().orderBy("id").execute();
    expect(outbox.map((m) => m.kind)).toEqual(["case.acknowledgement"]);
    expect(outbox[0]?.subject).toContain(reference);
    expect(outbox[0]?.subject).toContain("我們已收到你的投訴");
    expect(JSON.stringify(outbox)).not.toContain("wong@example.com");

    const actor = { id: officer.id, departmentId: dept.id };
    for (const [action, input] of [
      ["acknowledge", {}],
      ["reply", { body: "已處理" }],
      ["close", {}],
      ["reopen", {}],
      ["reply", { body: "再次回覆" }],
      ["close", {}],
    ] as const) {
      expect((await moveCase(app.db, actor, id, action, input)).ok).toBe(true);
    }
    outbox = await app.db.selectFrom("outbox_messages").selectAll().orderBy("id").execute();
    // One invitation, on the first closing (it is that closing's message); the second closing,
    // after a reopen, gets a closure message of its own (issue 14), and each reply its message.
    expect(outbox.map((m) => m.kind)).toEqual([
      "case.acknowledgement",
      "case.reply",
      "case.survey-invitation",
      "case.reply",
      "case.closed",
    ]);
    const invitation = outbox.find((m) => m.kind === "case.survey-invitation")!;
    const url = /\{\{APP_ORIGIN\}\}(\/s\/([a-z0-9]+)\?t=([A-Za-z0-9_-]+))/.exec(invitation.body_text);
    expect(url).not.toBeNull();
    const [, path, slug, token] = url!;
    expect(slug).toBe("immdcase");

    const page = await settle(() =>
      citizenLoader({ request: getRequest(path!), context: app.context, params: { slug: slug! } }),
    );
    expect(page.status).toBe(200);
    const survey = await app.db
      .selectFrom("surveys")
      .selectAll()
      .where("slug", "=", slug!)
      .executeTakeFirstOrThrow();
    const version = (await loadVersion(app.db, survey.current_version_id!))!;
    const overall = `q${version.questions[0]!.id}`;
    const answer = () =>
      settle(() =>
        citizenAction({
          request: new Request(`http://localhost${path}`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
            body: new URLSearchParams({ versionId: String(version.id), [overall]: "4" }),
          }),
          context: app.context,
          params: { slug: slug! },
        }),
      );
    expect((await answer()).status).toBe(302);
    expect((await answer()).status).toBe(410);
    const responses = await app.db
      .selectFrom("survey_responses")
      .select("id")
      .where("survey_id", "=", survey.id)
      .execute();
    expect(responses).toHaveLength(1);
    expect(token).toHaveLength(16);
  });
});
