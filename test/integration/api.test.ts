import { describe, expect, it } from "vitest";
import { editSurvey, setSurveyStatus } from "~/models/surveys/authoring.server";
import { getSurveyBySlug } from "~/models/surveys/lookup.server";
import { action as apiKeysAction, loader as apiKeysLoader } from "~/routes/admin.api-keys";
import { action as batchAction } from "~/routes/api.v1.responses.batch";
import { loader as surveysLoader } from "~/routes/api.v1.surveys._index";
import { action as responseAction } from "~/routes/api.v1.surveys.$slug.responses";
import { useTestApp } from "../setup/app";
import { ORIGIN } from "../setup/context";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
  errors?: { index?: number; code: string; field?: string; message: string }[];
}

describe.each(DB_KINDS)("survey JSON API and API keys [%s]", (kind) => {
  const app = useTestApp(kind);

  const sessionOf = (username: string) => signInAs(app.c, username);

  async function adminPost(cookie: string, fields: Record<string, string>, csrf?: string | null) {
    return settle(() =>
      apiKeysAction({
        request: postForm("/admin/api-keys", fields, { csrfToken: app.csrfToken, cookie, csrf }),
        context: app.context,
        params: {},
      }),
    );
  }

  /** A new key for the department of `admin`, made through the admin page. */
  async function newKey(admin = "admin.immd", name = "Kiosks"): Promise<string> {
    const res = await adminPost(await sessionOf(admin), { intent: "create", name });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { created: { key: string } };
    return body.created.key;
  }

  function apiRequest(
    method: "GET" | "POST",
    pathname: string,
    key: string | null,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Request {
    const h = new Headers(headers);
    if (key) h.set("Authorization", `Bearer ${key}`);
    if (body !== undefined) h.set("Content-Type", "application/json");
    return new Request(`${ORIGIN}${pathname}`, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  }

  async function postResponse(slug: string, key: string | null, body: unknown) {
    return settle(() =>
      responseAction({
        request: apiRequest("POST", `/api/v1/surveys/${slug}/responses`, key, body),
        context: app.context,
        params: { slug },
      }),
    );
  }

  async function postBatch(key: string, idempotencyKey: string | null, body: unknown) {
    return settle(() =>
      batchAction({
        request: apiRequest(
          "POST",
          "/api/v1/responses/batch",
          key,
          body,
          idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {},
        ),
        context: app.context,
        params: {},
      }),
    );
  }

  async function counts() {
    const n = async (table: "survey_responses" | "survey_answers" | "response_batches") => {
      const row = await app.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    return {
      responses: await n("survey_responses"),
      answers: await n("survey_answers"),
      batches: await n("response_batches"),
    };
  }

  async function surveyRow(slug: string) {
    const s = await getSurveyBySlug(app.db, slug);
    if (!s) throw new Error(`no survey ${slug}`);
    return s;
  }

  /** The IMMD administrator, as the actor of survey edits made directly through the model. */
  async function immdAdmin() {
    const u = await app.db
      .selectFrom("staff_users")
      .select(["id", "department_id"])
      .where("username", "=", "admin.immd")
      .executeTakeFirstOrThrow();
    return { id: u.id, departmentId: u.department_id };
  }

  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

  it("lets a department administrator create, list and revoke keys; a token-less POST creates nothing", async () => {
    const cookie = await sessionOf("admin.immd");

    const noToken = await adminPost(cookie, { intent: "create", name: "Kiosks" }, null);
    expect(noToken.status).toBe(403);
    expect(await app.db.selectFrom("api_keys").selectAll().execute()).toEqual([]);

    const blank = await adminPost(cookie, { intent: "create", name: "  " });
    expect(blank.status).toBe(400);
    expect(await blank.json()).toMatchObject({ errors: { name: "validation.required" } });

    const res = await adminPost(cookie, { intent: "create", name: "Kiosks at the main counter" });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { created } = (await res.json()) as { created: { key: string; prefix: string; name: string } };
    expect(created.key).toMatch(/^plg_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.key.slice(0, 8));

    // Only the hash and the prefix are kept; the audit log never holds the key.
    const rows = await app.db.selectFrom("api_keys").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(created.key);
    const audit = await app.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "like", "api-key.%")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["api-key.create"]);
    expect(JSON.stringify(audit)).not.toContain(created.key);

    const page = await settle(() =>
      apiKeysLoader({ request: getRequest("/admin/api-keys", { cookie }), context: app.context, params: {} }),
    );
    expect(page.status).toBe(200);
    const listed = (await page.json()) as { keys: { id: number; name: string; prefix: string }[] };
    expect(listed.keys).toMatchObject([{ name: "Kiosks at the main counter", prefix: created.prefix }]);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(JSON.stringify(listed)).not.toContain(rows[0]!.key_hash);

    // The key works, then stops working once revoked.
    const before = await settle(() =>
      surveysLoader({
        request: apiRequest("GET", "/api/v1/surveys", created.key),
        context: app.context,
        params: {},
      }),
    );
    expect(before.status).toBe(200);

    const keyId = String(listed.keys[0]!.id);
    const noTokenRevoke = await adminPost(cookie, { intent: "revoke", keyId }, null);
    expect(noTokenRevoke.status).toBe(403);
    const revoke = await adminPost(cookie, { intent: "revoke", keyId });
    expect(revoke.status).toBe(302);
    expect(revoke.headers.get("location")).toBe("/admin/api-keys?revoked=1");
    const after = await settle(() =>
      surveysLoader({
        request: apiRequest("GET", "/api/v1/surveys", created.key),
        context: app.context,
        params: {},
      }),
    );
    expect(after.status).toBe(401);
    expect(((await after.json()) as ApiErrorBody).error.code).toBe("invalid_api_key");
    const actions = await app.db
      .selectFrom("audit_events")
      .select("action")
      .where("action", "like", "api-key.%")
      .execute();
    expect(actions.map((a) => a.action)).toEqual(["api-key.create", "api-key.revoke"]);
  });

  it("gives another department's administrator 404 for a key, and other roles 404 for the page", async () => {
    await newKey("admin.immd");
    const key = await app.db.selectFrom("api_keys").select("id").executeTakeFirstOrThrow();
    const hkp = await sessionOf("admin.hkp");
    const res = await adminPost(hkp, { intent: "revoke", keyId: String(key.id) });
    expect(res.status).toBe(404);
    const row = await app.db.selectFrom("api_keys").select("revoked_at").executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
    const denied = await app.db
      .selectFrom("audit_events")
      .select(["entity_type", "entity_id"])
      .where("action", "=", "access.denied")
      .execute();
    expect(denied).toEqual([{ entity_type: "api_key", entity_id: String(key.id) }]);

    const hkpList = await settle(() =>
      apiKeysLoader({
        request: getRequest("/admin/api-keys", { cookie: hkp }),
        context: app.context,
        params: {},
      }),
    );
    expect(((await hkpList.json()) as { keys: unknown[] }).keys).toEqual([]);

    const manager = await sessionOf("manager.immd");
    const page = await settle(() =>
      apiKeysLoader({
        request: getRequest("/admin/api-keys", { cookie: manager }),
        context: app.context,
        params: {},
      }),
    );
    expect(page.status).toBe(404);
  });

  it("lists the department's surveys with questions and collection points", async () => {
    const key = await newKey();
    const missing = await settle(() =>
      surveysLoader({
        request: apiRequest("GET", "/api/v1/surveys", null),
        context: app.context,
        params: {},
      }),
    );
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(((await missing.json()) as ApiErrorBody).error.code).toBe("missing_api_key");

    const res = await settle(() =>
      surveysLoader({ request: apiRequest("GET", "/api/v1/surveys", key), context: app.context, params: {} }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = (await res.json()) as {
      surveys: {
        slug: string;
        status: string;
        versionNo: number;
        title: Record<string, string>;
        questions: { key: string; type: string; required: boolean; maxLength: number | null }[];
        collectionPoints: { code: string; channel: string }[];
      }[];
    };
    // The department's own surveys only: the satisfaction survey and the case-handling survey.
    expect(body.surveys.map((s) => s.slug).sort()).toEqual(["immdcase", "immdcsat"]);
    const s = body.surveys.find((x) => x.slug === "immdcsat");
    expect(s).toMatchObject({
      status: "published",
      versionNo: 1,
      title: { en: "Customer satisfaction survey", "zh-HK": "顧客滿意程度問卷調查" },
    });
    expect(s!.questions.map((q) => [q.key, q.type, q.required])).toEqual([
      ["overall", "rating5", true],
      ["courtesy", "rating5", false],
      ["waiting", "rating5", false],
      ["clarity", "rating5", false],
      ["comments", "long_text", false],
    ]);
    expect(s!.questions.at(-1)!.maxLength).toBe(2000);
    expect(s!.collectionPoints.map((p) => [p.code, p.channel])).toEqual([
      ["immdcsatweb", "web"],
      ["immdcsatctr", "counter"],
    ]);
  });

  it("stores one response with a row per answer", async () => {
    const key = await newKey();
    const res = await postResponse("immdcsat", key, {
      language: "zh-HK",
      collectionPoint: "immdcsatctr",
      submittedAt: hoursAgo(2),
      answers: { overall: 4, courtesy: "na", waiting: "5", comments: "  Quick and kind.  " },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const { id } = (await res.json()) as { id: number };
    const response = await app.db
      .selectFrom("survey_responses")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    const survey = await surveyRow("immdcsat");
    const point = await app.db
      .selectFrom("collection_points")
      .select("id")
      .where("code", "=", "immdcsatctr")
      .executeTakeFirstOrThrow();
    expect(response).toMatchObject({
      survey_id: survey.id,
      version_id: survey.current_version_id,
      department_id: survey.department_id,
      collection_point_id: point.id,
      channel: "api",
      language: "zh-HK",
      batch_id: null,
    });
    const answers = await app.db
      .selectFrom("survey_answers")
      .select(["question_key", "value_number", "value_text", "not_applicable", "channel"])
      .where("response_id", "=", id)
      .orderBy("question_id")
      .execute();
    expect(answers).toEqual([
      { question_key: "overall", value_number: 4, value_text: null, not_applicable: 0, channel: "api" },
      { question_key: "courtesy", value_number: null, value_text: null, not_applicable: 1, channel: "api" },
      { question_key: "waiting", value_number: 5, value_text: null, not_applicable: 0, channel: "api" },
      {
        question_key: "comments",
        value_number: null,
        value_text: "Quick and kind.",
        not_applicable: 0,
        channel: "api",
      },
    ]);
    expect(await counts()).toEqual({ responses: 1, answers: 4, batches: 0 });
    const used = await app.db.selectFrom("api_keys").select("last_used_at").executeTakeFirstOrThrow();
    expect(used.last_used_at).not.toBeNull();
  });

  it("refuses every bad response with the right status and field, and stores nothing", async () => {
    const key = await newKey();
    const hkpKey = await newKey("admin.hkp", "HKP tablets");
    // A choice question, to test option codes (the survey has no responses, so it is edited in place).
    const survey = await surveyRow("immdcsat");
    const edit = await editSurvey(app.db, await immdAdmin(), survey, {
      kind: "add-question",
      input: {
        intent: "add-question",
        type: "single",
        promptEn: "How did you come?",
        promptZh: "你如何前來？",
        required: false,
        options: "On foot | 步行\nBy bus | 乘巴士",
      },
    });
    expect(edit.ok).toBe(true);
    const ok = { language: "en", answers: { overall: 5 } };
    const cases: [string, string | null, unknown, number, string, string?][] = [
      ["missing required", key, { language: "en", answers: { courtesy: 3 } }, 422, "required", "overall"],
      ["out of range", key, { language: "en", answers: { overall: 6 } }, 422, "out_of_range", "overall"],
      [
        "not a whole number",
        key,
        { language: "en", answers: { overall: 4.5 } },
        422,
        "out_of_range",
        "overall",
      ],
      ["wrong kind", key, { language: "en", answers: { overall: true } }, 422, "invalid_type", "overall"],
      [
        "unknown option",
        key,
        { language: "en", answers: { overall: 5, q6: "o9" } },
        422,
        "unknown_option",
        "q6",
      ],
      [
        "unknown question",
        key,
        { language: "en", answers: { overall: 5, speed: 4 } },
        422,
        "unknown_question",
        "speed",
      ],
      [
        "too long",
        key,
        { language: "en", answers: { overall: 5, comments: "x".repeat(2001) } },
        422,
        "too_long",
        "comments",
      ],
      [
        "unknown collection point",
        key,
        { ...ok, collectionPoint: "hkpcsatweb" },
        422,
        "unknown_collection_point",
        "collectionPoint",
      ],
      ["unknown version", key, { ...ok, versionNo: 7 }, 422, "unknown_version", "versionNo"],
      [
        "in the future",
        key,
        { ...ok, submittedAt: hoursAgo(-1) },
        422,
        "submitted_at_out_of_range",
        "submittedAt",
      ],
      [
        "too old",
        key,
        { ...ok, submittedAt: hoursAgo(24 * 400) },
        422,
        "submitted_at_out_of_range",
        "submittedAt",
      ],
      [
        "no time zone",
        key,
        { ...ok, submittedAt: "2026-11-27T09:30:00" },
        400,
        "invalid_body",
        "submittedAt",
      ],
      ["bad language", key, { language: "fr", answers: { overall: 5 } }, 400, "invalid_body", "language"],
      ["answers not an object", key, { language: "en", answers: [5] }, 400, "invalid_body", "answers"],
      ["unknown field", key, { ...ok, answer: {} }, 400, "unknown_field", "answer"],
      ["not JSON", key, "{ overall: 5", 400, "invalid_json"],
      ["no key", null, ok, 401, "missing_api_key"],
      ["wrong key", `plg_${"A".repeat(43)}`, ok, 401, "invalid_api_key"],
      ["another department's key", hkpKey, ok, 404, "survey_not_found"],
    ];
    for (const [name, k, body, status, code, field] of cases) {
      const res = await postResponse("immdcsat", k, body);
      const json = (await res.json()) as ApiErrorBody;
      expect({ name, status: res.status, code: json.error.code, field: json.error.field }).toEqual({
        name,
        status,
        code,
        field,
      });
      expect(json.error.message).toMatch(/\w/);
    }
    // Another department's survey with our key is a 404 too, and the refusal is audited.
    const foreign = await postResponse("hkpcsat", key, ok);
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as ApiErrorBody).error.code).toBe("survey_not_found");
    expect(await counts()).toEqual({ responses: 0, answers: 0, batches: 0 });
    const denied = await app.db
      .selectFrom("audit_events")
      .select("entity_type")
      .where("action", "=", "access.denied")
      .execute();
    expect(denied.map((d) => d.entity_type)).toEqual(["survey", "survey"]);

    // All of a response's problems are listed, not only the first.
    const several = await postResponse("immdcsat", key, {
      language: "en",
      answers: { overall: 0, clarity: 9, nope: 1 },
    });
    const severalBody = (await several.json()) as ApiErrorBody;
    expect(severalBody.errors?.map((e) => [e.code, e.field])).toEqual([
      ["unknown_question", "nope"],
      ["out_of_range", "overall"],
      ["out_of_range", "clarity"],
    ]);

    // A closed survey: 410.
    await setSurveyStatus(app.db, await immdAdmin(), await surveyRow("immdcsat"), "closed");
    const closed = await postResponse("immdcsat", key, ok);
    expect(closed.status).toBe(410);
    expect(((await closed.json()) as ApiErrorBody).error.code).toBe("survey_closed");
    expect(await counts()).toEqual({ responses: 0, answers: 0, batches: 0 });
  });

  it("takes choice answers and answers to an older version", async () => {
    const key = await newKey();
    expect((await postResponse("immdcsat", key, { language: "en", answers: { overall: 3 } })).status).toBe(
      201,
    );
    const before = await surveyRow("immdcsat");
    // A response exists, so this edit makes version 2 (with a multiple-choice question).
    const edit = await editSurvey(app.db, await immdAdmin(), before, {
      kind: "add-question",
      input: {
        intent: "add-question",
        type: "multiple",
        promptEn: "What did you come for?",
        promptZh: "你為何前來？",
        required: true,
        options: "Passport | 護照\nVisa | 簽證\nOther | 其他",
      },
    });
    expect(edit).toMatchObject({ ok: true, newVersion: true });
    const after = await surveyRow("immdcsat");

    const v2 = await postResponse("immdcsat", key, {
      language: "en",
      answers: { overall: 5, q6: ["o1", "o3"] },
    });
    expect(v2.status).toBe(201);
    const v2Missing = await postResponse("immdcsat", key, { language: "en", answers: { overall: 5 } });
    expect(v2Missing.status).toBe(422);
    expect(((await v2Missing.json()) as ApiErrorBody).error).toMatchObject({ code: "required", field: "q6" });
    const dup = await postResponse("immdcsat", key, {
      language: "en",
      answers: { overall: 5, q6: ["o1", "o1"] },
    });
    expect(((await dup.json()) as ApiErrorBody).error).toMatchObject({ code: "unknown_option", field: "q6" });

    // Version 1 has no q6: answering it is still allowed, and its question keys are what count.
    const v1 = await postResponse("immdcsat", key, { language: "en", versionNo: 1, answers: { overall: 2 } });
    expect(v1.status).toBe(201);
    const v1Extra = await postResponse("immdcsat", key, {
      language: "en",
      versionNo: 1,
      answers: { overall: 2, q6: ["o1"] },
    });
    expect(((await v1Extra.json()) as ApiErrorBody).error).toMatchObject({
      code: "unknown_question",
      field: "q6",
    });

    const stored = await app.db
      .selectFrom("survey_responses")
      .select(["id", "version_id"])
      .orderBy("id")
      .execute();
    expect(stored.map((r) => r.version_id)).toEqual([
      before.current_version_id,
      after.current_version_id,
      before.current_version_id,
    ]);
    const chosen = await app.db
      .selectFrom("survey_answers")
      .select("option_id")
      .where("response_id", "=", stored[1]!.id)
      .where("question_key", "=", "q6")
      .execute();
    expect(chosen).toHaveLength(2);
  });

  function batchOf(n: number, offset = 0) {
    return {
      responses: Array.from({ length: n }, (_, i) => ({
        survey: "immdcsat",
        language: i % 2 ? "zh-HK" : "en",
        collectionPoint: "immdcsatctr",
        submittedAt: hoursAgo(48 + i + offset),
        answers: { overall: (i % 5) + 1, courtesy: i % 2 ? "na" : 4, comments: `Response ${i}` },
      })),
    };
  }

  it("stores a batch once: the same Idempotency-Key and body again is a replay", async () => {
    const key = await newKey();
    const body = batchOf(3);
    const first = await postBatch(key, "tablet-7-2026-11-27-001", body);
    expect(first.status).toBe(201);
    const firstBody = (await first.json()) as { batchId: number; stored: number; replayed: boolean };
    expect(firstBody).toMatchObject({ stored: 3, replayed: false });
    expect(await counts()).toEqual({ responses: 3, answers: 9, batches: 1 });

    // Every response carries the batch, its own time and month, and its own answers.
    const rows = await app.db
      .selectFrom("survey_responses as r")
      .innerJoin("survey_answers as a", "a.response_id", "r.id")
      .select(["r.batch_id", "r.submitted_at", "r.month", "r.language", "a.value_number", "a.value_text"])
      .where("a.question_key", "=", "comments")
      .orderBy("r.submitted_at", "desc")
      .execute();
    expect(rows.map((r) => [r.batch_id, r.value_text, r.language])).toEqual([
      [firstBody.batchId, "Response 0", "en"],
      [firstBody.batchId, "Response 1", "zh-HK"],
      [firstBody.batchId, "Response 2", "en"],
    ]);
    expect(rows.map((r) => r.submitted_at)).toEqual(body.responses.map((r) => r.submittedAt));
    const overall = await app.db
      .selectFrom("survey_responses as r")
      .innerJoin("survey_answers as a", "a.response_id", "r.id")
      .select(["r.submitted_at", "a.value_number"])
      .where("a.question_key", "=", "overall")
      .orderBy("r.submitted_at", "desc")
      .execute();
    expect(overall.map((r) => r.value_number)).toEqual([1, 2, 3]);

    // The same body with its keys in another order is the same batch.
    const reordered = {
      responses: body.responses.map(({ answers, ...rest }) => ({ answers, ...rest })),
    };
    const again = await postBatch(key, "tablet-7-2026-11-27-001", reordered);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ batchId: firstBody.batchId, stored: 3, replayed: true });
    expect(await counts()).toEqual({ responses: 3, answers: 9, batches: 1 });

    // The same key with a different body is a mistake: 409, nothing stored.
    const other = await postBatch(key, "tablet-7-2026-11-27-001", batchOf(2, 10));
    expect(other.status).toBe(409);
    expect(((await other.json()) as ApiErrorBody).error.code).toBe("idempotency_key_reused");
    expect(await counts()).toEqual({ responses: 3, answers: 9, batches: 1 });

    // Idempotency keys are per department: another department may use the same one.
    const hkpKey = await newKey("admin.hkp", "HKP tablets");
    const hkp = await postBatch(hkpKey, "tablet-7-2026-11-27-001", {
      responses: [{ survey: "hkpcsat", language: "en", answers: { overall: 5 } }],
    });
    expect(hkp.status).toBe(201);
  });

  it("stores nothing from a batch with one bad item, and lists every bad item", async () => {
    const key = await newKey();
    const body = batchOf(4);
    body.responses[1]!.answers = { courtesy: 4, comments: "no overall" } as never;
    (body.responses[3] as { survey: string }).survey = "hkpcsat";
    const res = await postBatch(key, "batch-with-bad-items", body);
    expect(res.status).toBe(422);
    const json = (await res.json()) as ApiErrorBody;
    expect(json.error.code).toBe("invalid_responses");
    expect(json.errors?.map((e) => [e.index, e.code, e.field])).toEqual([
      [1, "required", "overall"],
      [3, "survey_not_found", "survey"],
    ]);
    expect(await counts()).toEqual({ responses: 0, answers: 0, batches: 0 });

    // Fixed, the same Idempotency-Key may be used: nothing was stored under it.
    const fixed = await postBatch(key, "batch-with-bad-items", batchOf(4));
    expect(fixed.status).toBe(201);
    expect(await counts()).toEqual({ responses: 4, answers: 12, batches: 1 });
  });

  it("refuses batches without an Idempotency-Key, too many responses, or too large a body", async () => {
    const key = await newKey();
    const noKey = await postBatch(key, null, batchOf(1));
    expect(noKey.status).toBe(400);
    expect(((await noKey.json()) as ApiErrorBody).error.code).toBe("missing_idempotency_key");
    const shortKey = await postBatch(key, "abc", batchOf(1));
    expect(((await shortKey.json()) as ApiErrorBody).error.code).toBe("invalid_idempotency_key");

    const tooMany = await postBatch(key, "too-many-responses", {
      responses: Array.from({ length: 1001 }, () => ({
        survey: "immdcsat",
        language: "en",
        answers: { overall: 5 },
      })),
    });
    expect(tooMany.status).toBe(413);
    expect(((await tooMany.json()) as ApiErrorBody).error.code).toBe("batch_too_large");

    const empty = await postBatch(key, "empty-batch-here", { responses: [] });
    expect(empty.status).toBe(400);

    const declared = await settle(() =>
      batchAction({
        request: apiRequest("POST", "/api/v1/responses/batch", key, batchOf(1), {
          "Idempotency-Key": "declared-too-large",
          "Content-Length": String(6 * 1024 * 1024),
        }),
        context: app.context,
        params: {},
      }),
    );
    expect(declared.status).toBe(413);
    const big = await postBatch(key, "actually-too-large", {
      responses: [
        { survey: "immdcsat", language: "en", answers: { overall: 5, comments: "x".repeat(5_300_000) } },
      ],
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as ApiErrorBody).error.code).toBe("body_too_large");
    expect(await counts()).toEqual({ responses: 0, answers: 0, batches: 0 });
  });

  it("stores a batch once when the same batch arrives several times at once", async () => {
    const key = await newKey();
    const body = batchOf(20);
    const results = await Promise.all(
      Array.from({ length: 4 }, () => postBatch(key, "sent-four-times-at-once", body)),
    );
    const bodies = (await Promise.all(results.map((r) => r.json()))) as {
      replayed: boolean;
      batchId: number;
    }[];
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    expect(bodies.map((x) => x.replayed).sort()).toEqual([false, true, true, true]);
    expect(new Set(bodies.map((x) => x.batchId)).size).toBe(1);
    expect(await counts()).toEqual({ responses: 20, answers: 60, batches: 1 });
  });

  it("answers a replay even after the survey has closed, but refuses new batches for it", async () => {
    const key = await newKey();
    const body = batchOf(2);
    expect((await postBatch(key, "before-closing-01", body)).status).toBe(201);
    await setSurveyStatus(app.db, await immdAdmin(), await surveyRow("immdcsat"), "closed");
    expect((await postBatch(key, "before-closing-01", body)).status).toBe(200);
    const fresh = await postBatch(key, "after-closing-01", batchOf(1));
    expect(fresh.status).toBe(422);
    expect(((await fresh.json()) as ApiErrorBody).errors).toMatchObject([
      { index: 0, code: "survey_closed" },
    ]);
    expect(await counts()).toEqual({ responses: 2, answers: 6, batches: 1 });
  });
});
