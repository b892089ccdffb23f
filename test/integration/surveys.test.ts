import { describe, expect, it } from "vitest";
import { loadVersion } from "~/models/surveys/lookup.server";
import { action as editorAction, loader as editorLoader } from "~/routes/admin.surveys.$id";
import { action as citizenAction, loader as citizenLoader } from "~/routes/s.$slug._index";
import { action as surveysAction } from "~/routes/staff.surveys._index";
import { action as paperAction, loader as paperLoader } from "~/routes/staff.surveys.$id.paper";
import { loader as qrLoader } from "~/routes/staff.surveys.$id.qr.$file";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

describe.each(DB_KINDS)("surveys [%s]", (kind) => {
  const app = useTestApp(kind, { env: { SURVEY_RATE_PER_ADDRESS: "3" } });

  const sessionOf = (username: string) => signInAs(app.c, username);

  async function survey(slug = "immdcsat") {
    const s = await app.db
      .selectFrom("surveys")
      .selectAll()
      .where("slug", "=", slug)
      .executeTakeFirstOrThrow();
    const version = (await loadVersion(app.db, s.current_version_id!))!;
    const q = Object.fromEntries(version.questions.map((x) => [x.key, `q${x.id}`]));
    return { ...s, version, q };
  }

  async function counts() {
    const r = await app.db
      .selectFrom("survey_responses")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirst();
    const a = await app.db
      .selectFrom("survey_answers")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirst();
    return { responses: Number(r?.n), answers: Number(a?.n) };
  }

  /** A citizen's form post: no CSRF (public form), from our origin. */
  function citizenPost(slug: string, fields: Record<string, string | string[]>, query = "") {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
    return citizenAction({
      request: new Request(`http://localhost/s/${slug}${query}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Origin: "http://localhost",
          Cookie: "pledge_lng=zh-HK",
        },
        body,
      }),
      context: app.context,
      params: { slug },
    });
  }

  it("stores a citizen's answers, one row per answer, with channel, point and language", async () => {
    const s = await survey();
    const res = await settle(() =>
      citizenPost(
        s.slug,
        {
          versionId: String(s.version.id),
          [s.q.overall!]: "5",
          [s.q.courtesy!]: "na",
          [s.q.comments!]: "很好",
        },
        `?p=${s.slug}ctr`,
      ),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/s/${s.slug}/thanks?p=${s.slug}ctr`);
    const rows = await app.db.selectFrom("survey_responses").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: "counter", language: "zh-HK", version_id: s.version.id });
    const answers = await app.db
      .selectFrom("survey_answers")
      .select(["question_key", "value_number", "value_text", "not_applicable"])
      .orderBy("question_key")
      .execute();
    expect(answers).toEqual([
      { question_key: "comments", value_number: null, value_text: "很好", not_applicable: 0 },
      { question_key: "courtesy", value_number: null, value_text: null, not_applicable: 1 },
      { question_key: "overall", value_number: 5, value_text: null, not_applicable: 0 },
    ]);
  });

  it.each([
    [
      "a missing required answer",
      (q: Record<string, string>) => ({ [q.courtesy!]: "4" }),
      400,
      "surveys.errors.chooseOne",
    ],
    [
      "a value outside the scale",
      (q: Record<string, string>) => ({ [q.overall!]: "6" }),
      400,
      "surveys.errors.outOfRange",
    ],
    [
      "an over-long comment",
      (q: Record<string, string>) => ({ [q.overall!]: "4", [q.comments!]: "x".repeat(2001) }),
      400,
      "surveys.errors.tooLong",
    ],
  ])("refuses %s with a message and writes nothing", async (_name, fields, status, message) => {
    const s = await survey();
    const res = await settle(() => citizenPost(s.slug, { versionId: String(s.version.id), ...fields(s.q) }));
    expect(res.status).toBe(status);
    const body = (await res.json()) as { errors: Record<string, string> };
    expect(Object.values(body.errors)).toContain(message);
    expect(await counts()).toEqual({ responses: 0, answers: 0 });
  });

  it("refuses an unknown question or version with 400 and writes nothing", async () => {
    const s = await survey();
    const unknownQ = await settle(() =>
      citizenPost(s.slug, { versionId: String(s.version.id), [s.q.overall!]: "4", q999999: "5" }),
    );
    expect(unknownQ.status).toBe(400);
    const other = await survey("hkpcsat");
    const wrongVersion = await settle(() =>
      citizenPost(s.slug, { versionId: String(other.version.id), [s.q.overall!]: "4" }),
    );
    expect(wrongVersion.status).toBe(400);
    expect(await counts()).toEqual({ responses: 0, answers: 0 });
  });

  it("answers a closed survey with 410 and a draft or unknown one with 404", async () => {
    const s = await survey();
    await app.db.updateTable("surveys").set({ status: "closed" }).where("id", "=", s.id).execute();
    expect(
      (await settle(() => citizenPost(s.slug, { versionId: String(s.version.id), [s.q.overall!]: "4" })))
        .status,
    ).toBe(410);
    expect(
      (
        await settle(() =>
          citizenLoader({
            request: getRequest(`/s/${s.slug}`),
            context: app.context,
            params: { slug: s.slug },
          }),
        )
      ).status,
    ).toBe(410);
    await app.db.updateTable("surveys").set({ status: "draft" }).where("id", "=", s.id).execute();
    expect(
      (
        await settle(() =>
          citizenLoader({
            request: getRequest(`/s/${s.slug}`),
            context: app.context,
            params: { slug: s.slug },
          }),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await settle(() =>
          citizenLoader({
            request: getRequest("/s/nosuch"),
            context: app.context,
            params: { slug: "nosuch" },
          }),
        )
      ).status,
    ).toBe(404);
    expect(await counts()).toEqual({ responses: 0, answers: 0 });
  });

  it("gives a filled-in honeypot the normal thank-you and stores nothing", async () => {
    const s = await survey();
    const res = await settle(() =>
      citizenPost(s.slug, { versionId: String(s.version.id), [s.q.overall!]: "5", website: "http://spam" }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(new RegExp(`^/s/${s.slug}/thanks`));
    expect(await counts()).toEqual({ responses: 0, answers: 0 });
  });

  it("answers 429 past the per-address limit, keeps the citizen's answers on the page, and stores nothing more", async () => {
    const s = await survey();
    for (let i = 0; i < 3; i++) {
      expect(
        (await settle(() => citizenPost(s.slug, { versionId: String(s.version.id), [s.q.overall!]: "4" })))
          .status,
      ).toBe(302);
    }
    const fourth = await settle(() =>
      citizenPost(s.slug, { versionId: String(s.version.id), [s.q.overall!]: "2" }),
    );
    expect(fourth.status).toBe(429);
    expect(await fourth.json()).toMatchObject({
      values: { [s.q.overall!]: "2" },
      formError: "surveys.errors.rateLimited",
    });
    expect((await counts()).responses).toBe(3);
  });

  it("builds a survey from the template in one click, publishes it, and makes a new version on editing after responses", async () => {
    const cookie = await sessionOf("admin.immd");
    const created = await settle(() =>
      surveysAction({
        request: postForm(
          "/staff/surveys",
          { template: "csat5", serviceId: "" },
          { csrfToken: app.csrfToken, cookie },
        ),
        context: app.context,
        params: {},
      }),
    );
    expect(created.status).toBe(302);
    const id = Number(created.headers.get("location")!.split("/").pop());
    const edit = (fields: Record<string, string>) =>
      settle(() =>
        editorAction({
          request: postForm(`/admin/surveys/${id}`, fields, { csrfToken: app.csrfToken, cookie }),
          context: app.context,
          params: { id: String(id) },
        }),
      );
    expect((await edit({ intent: "publish" })).status).toBe(302);
    const s1 = await app.db.selectFrom("surveys").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(s1.status).toBe("published");
    const v1 = (await loadVersion(app.db, s1.current_version_id!))!;
    expect(v1.questions.map((q) => q.key)).toEqual(["overall", "courtesy", "waiting", "clarity", "comments"]);

    // Before any response, edits change the version in place.
    expect(
      (
        await edit({
          intent: "details",
          titleEn: "Counter survey",
          titleZh: "櫃位問卷",
          introEn: "",
          introZh: "",
        })
      ).status,
    ).toBe(302);
    expect(
      (
        await app.db
          .selectFrom("surveys")
          .select("current_version_id")
          .where("id", "=", id)
          .executeTakeFirstOrThrow()
      ).current_version_id,
    ).toBe(v1.id);

    const q1 = `q${v1.questions[0]!.id}`;
    expect((await settle(() => citizenPost(s1.slug, { versionId: String(v1.id), [q1]: "5" }))).status).toBe(
      302,
    );

    // After a response, an edit makes version 2; the response keeps version 1.
    const added = await edit({
      intent: "add-question",
      type: "single",
      promptEn: "How did you hear of us?",
      promptZh: "你從哪裏得知我們？",
      options: "Leaflet | 單張\nWeb | 網頁",
    });
    expect(added.status).toBe(302);
    expect(added.headers.get("location")).toContain("saved=new-version");
    const s2 = await app.db.selectFrom("surveys").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    const v2 = (await loadVersion(app.db, s2.current_version_id!))!;
    expect(v2.versionNo).toBe(2);
    expect(v2.questions).toHaveLength(6);
    expect(v1.questions[0]!.key).toBe(v2.questions[0]!.key);
    const old = await app.db.selectFrom("survey_responses").select("version_id").execute();
    expect(old).toEqual([{ version_id: v1.id }]);
    const v1Again = (await loadVersion(app.db, v1.id))!;
    expect(v1Again.questions).toHaveLength(5);
    expect(v1Again.titleEn).toBe("Counter survey");

    // A citizen who opened version 1 before the edit is still accepted, under version 1.
    expect((await settle(() => citizenPost(s1.slug, { versionId: String(v1.id), [q1]: "4" }))).status).toBe(
      302,
    );
    const byVersion = await app.db
      .selectFrom("survey_responses")
      .select("version_id")
      .orderBy("id")
      .execute();
    expect(byVersion.map((r) => r.version_id)).toEqual([v1.id, v1.id]);
  });

  it("refuses a bad question with a message and changes nothing", async () => {
    const cookie = await sessionOf("admin.immd");
    const s = await survey();
    const res = await settle(() =>
      editorAction({
        request: postForm(
          `/admin/surveys/${s.id}`,
          {
            intent: "add-question",
            type: "single",
            promptEn: "Pick",
            promptZh: "選",
            options: "only one line",
          },
          { csrfToken: app.csrfToken, cookie },
        ),
        context: app.context,
        params: { id: String(s.id) },
      }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: { options: "surveys.errors.optionFormat" } });
    expect((await loadVersion(app.db, s.version.id))!.questions).toHaveLength(5);
  });

  it("lets counter staff key in a paper form: channel paper, entered by them, CSRF required", async () => {
    const cookie = await sessionOf("counter.immd");
    const s = await survey();
    const fields = {
      versionId: String(s.version.id),
      point: `${s.slug}ctr`,
      language: "en",
      [s.q.overall!]: "3",
    };
    const noToken = await settle(() =>
      paperAction({
        request: postForm(`/staff/surveys/${s.id}/paper`, fields, {
          csrfToken: app.csrfToken,
          cookie,
          csrf: null,
        }),
        context: app.context,
        params: { id: String(s.id) },
      }),
    );
    expect(noToken.status).toBe(403);
    expect((await counts()).responses).toBe(0);
    const res = await settle(() =>
      paperAction({
        request: postForm(`/staff/surveys/${s.id}/paper`, fields, { csrfToken: app.csrfToken, cookie }),
        context: app.context,
        params: { id: String(s.id) },
      }),
    );
    expect(res.status).toBe(302);
    const row = await app.db.selectFrom("survey_responses").selectAll().executeTakeFirstOrThrow();
    const counter = await app.db
      .selectFrom("staff_users")
      .select("id")
      .where("username", "=", "counter.immd")
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel: "paper", language: "en", entered_by: counter.id });
  });

  it("gives staff of another department 404 on the editor, paper entry and QR codes", async () => {
    const cookie = await sessionOf("admin.hkp");
    const s = await survey();
    const params = { id: String(s.id) };
    expect(
      (
        await settle(() =>
          editorLoader({
            request: getRequest(`/admin/surveys/${s.id}`, { cookie }),
            context: app.context,
            params,
          }),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await settle(() =>
          paperLoader({
            request: getRequest(`/staff/surveys/${s.id}/paper`, { cookie }),
            context: app.context,
            params,
          }),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await settle(() =>
          qrLoader({
            request: getRequest(`/staff/surveys/${s.id}/qr/${s.slug}web.png`, { cookie }),
            context: app.context,
            params: { ...params, file: `${s.slug}web.png` },
          }),
        )
      ).status,
    ).toBe(404);
    const publish = await settle(() =>
      editorAction({
        request: postForm(
          `/admin/surveys/${s.id}`,
          { intent: "close" },
          { csrfToken: app.csrfToken, cookie },
        ),
        context: app.context,
        params,
      }),
    );
    expect(publish.status).toBe(404);
    expect(
      (await app.db.selectFrom("surveys").select("status").where("id", "=", s.id).executeTakeFirstOrThrow())
        .status,
    ).toBe("published");
  });

  it("serves a collection point's QR code as PNG and SVG to staff of the department", async () => {
    const cookie = await sessionOf("counter.immd");
    const s = await survey();
    for (const ext of ["png", "svg"]) {
      const res = await settle(() =>
        qrLoader({
          request: getRequest(`/staff/surveys/${s.id}/qr/${s.slug}ctr.${ext}`, { cookie }),
          context: app.context,
          params: { id: String(s.id), file: `${s.slug}ctr.${ext}` },
        }),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(ext === "png" ? /image\/png/ : /image\/svg\+xml/);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (ext === "png") expect([...bytes.slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
      else expect(new TextDecoder().decode(bytes)).toContain("<svg");
    }
  });
});
