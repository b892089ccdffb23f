import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { addNote } from "~/models/cases/handling.server";
import { attachmentsDir } from "~/models/cases/intake.server";
import { moveCase } from "~/models/cases/lifecycle.server";
import { makeReference, normaliseReference } from "~/models/cases/reference";
import { action as complaintAction, loader as complaintLoader } from "~/routes/complaints.new";
import { loader as submittedLoader } from "~/routes/complaints.submitted";
import { action as trackAction } from "~/routes/track";
import { useTestApp } from "../setup/app";
import { ORIGIN } from "../setup/context";
import { DB_KINDS } from "../setup/db";
import { getRequest, settle } from "../setup/requests";

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII=",
  "base64",
);
const pngFile = (name = "photo.png") => new File([PNG], name, { type: "image/png" });
/** What a browser sends for a file input left empty. */
const noFile = () => new File([], "", { type: "application/octet-stream" });

const EMAIL = "Chan.TaiMan@Example.com";
const PHONE = "9123 4567";
const NAME = "Chan Tai Man";
const REF_SHAPE = /^IMMD-\d{4}-\d{5}-[0-9A-Z]$/;

describe.each(DB_KINDS)("complaints and tracking [%s]", (kind) => {
  const app = useTestApp(kind, { dataDir: true });
  let immd: { id: number; serviceId: number };
  let otherService: number;

  beforeEach(async () => {
    const dept = await app.db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const service = await app.db
      .selectFrom("services")
      .select("id")
      .where("department_id", "=", dept.id)
      .orderBy("code")
      .executeTakeFirstOrThrow();
    immd = { id: dept.id, serviceId: service.id };
    const hkp = await app.db
      .selectFrom("services")
      .innerJoin("departments", "departments.id", "services.department_id")
      .select("services.id")
      .where("departments.code", "=", "HKP")
      .executeTakeFirstOrThrow();
    otherService = hkp.id;
  });

  function validFields(): Record<string, string> {
    return {
      department: String(immd.id),
      service: String(immd.serviceId),
      whatHappened: "I queued for three hours at the Kowloon office and was then told to come back tomorrow.",
      desiredOutcome: "An explanation and an appointment.",
      name: NAME,
      email: EMAIL,
      phone: PHONE,
      consent: "yes",
      website: "",
    };
  }

  /** A citizen's multipart form post, as the browser sends it (no CSRF: a public form). */
  function complain(fields: Record<string, string>, files: File[] = [pngFile()]) {
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) body.append(k, v);
    for (const f of files) body.append("attachment", f);
    return settle(() =>
      complaintAction({
        request: new Request(`${ORIGIN}/complaints/new`, {
          method: "POST",
          body,
          headers: { Origin: ORIGIN, Cookie: "pledge_lng=zh-HK" },
        }),
        context: app.context,
        params: {},
      }),
    );
  }

  function track(fields: Record<string, string>) {
    return settle(() =>
      trackAction({
        request: new Request(`${ORIGIN}/track`, {
          method: "POST",
          body: new URLSearchParams(fields),
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            Origin: ORIGIN,
            Cookie: "pledge_lng=zh-HK",
          },
        }),
        context: app.context,
        params: {},
      }),
    );
  }

  function filesOnDisk(): string[] {
    const dir = attachmentsDir(app.dataDir);
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  }

  async function stored() {
    const count = async (table: "cases" | "case_attachments" | "appeals") =>
      Number(
        (
          await app.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      cases: await count("cases"),
      attachments: await count("case_attachments"),
      files: filesOnDisk().length,
    };
  }

  async function fileComplaint(fields = validFields(), files?: File[]) {
    const res = await complain(fields, files);
    expect(res.status).toBe(303);
    const ref = new URL(res.headers.get("location")!, ORIGIN).searchParams.get("ref")!;
    const row = await app.db
      .selectFrom("cases")
      .selectAll()
      .where("reference", "=", ref)
      .executeTakeFirstOrThrow();
    return row;
  }

  async function officer() {
    const o = await app.db
      .selectFrom("staff_users")
      .select(["id", "department_id"])
      .where("username", "=", "officer.immd")
      .executeTakeFirstOrThrow();
    return { id: o.id, departmentId: o.department_id };
  }

  async function replyTo(
    caseId: number,
    body = "We have checked the queue records and apologise for the wait.",
  ) {
    const actor = await officer();
    expect(await moveCase(app.db, actor, caseId, "acknowledge")).toMatchObject({ ok: true });
    expect(await moveCase(app.db, actor, caseId, "reply", { body })).toMatchObject({ ok: true });
  }

  it("lists every department and its services for the form", async () => {
    const res = await settle(() =>
      complaintLoader({ request: getRequest("/complaints/new"), context: app.context, params: {} }),
    );
    const data = (await res.json()) as {
      departments: { id: number }[];
      services: { departmentId: number }[];
    };
    expect(data.departments.map((d) => d.id)).toContain(immd.id);
    expect(data.services.some((s) => s.departmentId === immd.id)).toBe(true);
  });

  it("stores a complaint with a PNG attachment: one case with a reference, one row, one file", async () => {
    const res = await complain(validFields(), [pngFile("收據 photo.png"), noFile()]);
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("location")!, ORIGIN);
    expect(location.pathname).toBe("/complaints/submitted");
    expect(location.searchParams.get("email")).toBe("1");
    const ref = location.searchParams.get("ref")!;
    expect(ref).toMatch(REF_SHAPE);
    expect(normaliseReference(ref)).toBe(ref);

    const cases = await app.db.selectFrom("cases").selectAll().execute();
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      reference: ref,
      department_id: immd.id,
      service_id: immd.serviceId,
      status: "received",
      channel: "web",
      language: "zh-HK",
    });
    expect(cases[0]!.consent_at).not.toBeNull();
    expect(cases[0]!.ack_due).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const rows = await app.db.selectFrom("case_attachments").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      case_id: cases[0]!.id,
      original_name: "收據 photo.png",
      mime: "image/png",
      size: PNG.length,
    });
    expect(rows[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(filesOnDisk()).toEqual([rows[0]!.stored_name]);
    const onDisk = fs.readFileSync(path.join(attachmentsDir(app.dataDir), rows[0]!.stored_name));
    expect(onDisk.equals(PNG)).toBe(true);
    // Outside the public folder, under a name nobody chose.
    expect(rows[0]!.stored_name).not.toContain("photo");
    expect(path.relative(path.resolve("public"), attachmentsDir(app.dataDir)).startsWith("..")).toBe(true);

    const page = await settle(() =>
      submittedLoader({
        request: getRequest(`/complaints/submitted?ref=${ref}&email=1`),
        context: app.context,
        params: {},
      }),
    );
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({
      reference: ref,
      emailGiven: true,
      pledge: { ackDays: expect.any(Number), replyDays: expect.any(Number) },
    });
  });

  it("keeps a complaint whose text holds control characters (a NUL, a bell), on Postgres as on SQLite", async () => {
    const res = await complain(
      {
        ...validFields(),
        whatHappened: "The queue\u0000 was\u0007 long.",
        desiredOutcome: "More\u0000 counters.",
      },
      [noFile()],
    );
    expect(res.status).toBe(303);
    const c = await app.db
      .selectFrom("cases")
      .select(["what_happened", "desired_outcome"])
      .executeTakeFirstOrThrow();
    expect(c.what_happened).toBe("The queue was long.");
    expect(c.desired_outcome).toBe("More counters.");
  });

  it("says nothing of an e-mail when none was given, and needs no attachment", async () => {
    const res = await complain({ ...validFields(), email: "", phone: "" }, [noFile()]);
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get("location")!, ORIGIN).searchParams.has("email")).toBe(false);
    expect(await stored()).toEqual({ cases: 1, attachments: 0, files: 0 });
  });

  it.each([
    [
      "a missing what-happened",
      { whatHappened: "   " },
      undefined,
      "whatHappened",
      "complaints.errors.required",
    ],
    [
      "an over-long what-happened",
      { whatHappened: "長".repeat(5001) },
      undefined,
      "whatHappened",
      "complaints.errors.tooLong",
    ],
    [
      "an over-long wanted outcome",
      { desiredOutcome: "x".repeat(2001) },
      undefined,
      "desiredOutcome",
      "complaints.errors.tooLong",
    ],
    [
      "an unknown department",
      { department: "999999" },
      undefined,
      "department",
      "complaints.errors.unknownDepartment",
    ],
    [
      "a service of another department",
      "other-service",
      undefined,
      "service",
      "complaints.errors.serviceNotInDepartment",
    ],
    ["a bad e-mail address", { email: "chan at example" }, undefined, "email", "complaints.errors.email"],
    ["a bad phone number", { phone: "call me" }, undefined, "phone", "complaints.errors.phone"],
    ["no consent", { consent: "" }, undefined, "consent", "complaints.errors.consent"],
    [
      "a .png whose bytes are not an image",
      {},
      () => [
        pngFile(),
        new File(["<html><script>alert(1)</script></html>"], "photo.png", { type: "image/png" }),
      ],
      "attachment",
      "complaints.errors.fileType",
    ],
    [
      "a fourth attachment",
      {},
      () => [pngFile("1.png"), pngFile("2.png"), pngFile("3.png"), pngFile("4.png")],
      "attachment",
      "complaints.errors.tooManyFiles",
    ],
    [
      "a file over 5 MB",
      {},
      () => {
        const big = new Uint8Array(5 * 1024 * 1024 + 1);
        big.set(PNG);
        return [pngFile(), new File([big], "big.png", { type: "image/png" })];
      },
      "attachment",
      "complaints.errors.fileTooLarge",
    ],
  ] as const)("refuses %s with a message and writes nothing", async (_name, patch, files, field, message) => {
    const fields: Record<string, string> = {
      ...validFields(),
      ...(patch === "other-service" ? { service: String(otherService) } : patch),
    };
    // An unticked checkbox sends nothing at all.
    if (fields.consent === "") delete fields.consent;
    const res = await complain(fields, files ? files() : [pngFile()]);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Record<string, string>; values: Record<string, string> };
    expect(body.errors[field]).toBe(message);
    // The citizen's text comes back; the honeypot never does.
    expect(body.values.name).toBe(NAME);
    expect(body.values).not.toHaveProperty("website");
    expect(await stored()).toEqual({ cases: 0, attachments: 0, files: 0 });
  });

  it("gives a filled-in honeypot the normal confirmation and stores nothing", async () => {
    const res = await complain({ ...validFields(), website: "http://spam.example" });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("location")!, ORIGIN);
    expect(location.pathname).toBe("/complaints/submitted");
    expect(location.searchParams.get("ref")).toMatch(REF_SHAPE);
    expect(await stored()).toEqual({ cases: 0, attachments: 0, files: 0 });
  });

  it("answers 429 after ten complaints from one address in ten minutes, keeping what was written", async () => {
    for (let i = 0; i < 10; i++) expect((await complain(validFields(), [])).status).toBe(303);
    const res = await complain({ ...validFields(), whatHappened: "The eleventh complaint." });
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe("600");
    expect(await res.json()).toMatchObject({
      formError: "complaints.errors.rateLimited",
      values: { whatHappened: "The eleventh complaint." },
    });
    expect(await stored()).toEqual({ cases: 10, attachments: 0, files: 0 });
  });

  it("never stores the e-mail address, phone number or name in plain text", async () => {
    const row = await fileComplaint();
    const raw = JSON.stringify(Object.values(row)).toLowerCase();
    for (const secret of [EMAIL, PHONE, PHONE.replace(/\D/g, ""), NAME, "example.com"]) {
      expect(raw).not.toContain(secret.toLowerCase());
    }
    for (const col of ["contact_name_enc", "contact_email_enc", "contact_phone_enc"] as const) {
      expect(row[col]).toMatch(/^v1\./);
    }
    const audit = JSON.stringify(await app.db.selectFrom("audit_events").selectAll().execute()).toLowerCase();
    expect(audit).not.toContain("example.com");
    expect(audit).not.toContain(PHONE.replace(/\D/g, ""));
  });

  it("shows the case to whoever has its reference and contact: history without notes or staff names", async () => {
    const row = await fileComplaint();
    const actor = await officer();
    await addNote(app.db, actor, row, "INTERNAL NOTE: the complainant has written before");
    await replyTo(row.id, "We have checked the queue records and apologise for the wait.");

    const byEmail = await track({
      reference: row.reference.toLowerCase(),
      contact: `  ${EMAIL.toUpperCase()} `,
    });
    expect(byEmail.status).toBe(200);
    const text = await byEmail.text();
    const data = JSON.parse(text);
    expect(data).toMatchObject({
      result: "found",
      view: {
        reference: row.reference,
        status: "replied",
        departmentName: "入境事務處",
        appeal: { state: "allowed" },
      },
    });
    expect(data.view.history.map((e: { kind: string }) => e.kind)).toEqual([
      "transition",
      "transition",
      "reply",
    ]);
    expect(text).toContain("apologise for the wait");
    expect(text).not.toContain("INTERNAL NOTE");
    expect(text).not.toContain("Wong Siu Ming");
    expect(text).not.toContain("officer.immd");

    const byPhone = await track({ reference: row.reference, contact: "9123-4567" });
    expect(byPhone.status).toBe(200);
  });

  it("answers a wrong contact, an unknown reference and a bad check character exactly alike", async () => {
    const row = await fileComplaint();
    const body = row.reference.slice(0, -1);
    const check = row.reference.slice(-1);
    const wrongCheck = `${body}${check === "0" ? "1" : "0"}`;
    const [code, period, sequence] = row.reference.split("-") as [string, string, string];
    const unknownRef = makeReference(code, period, Number(sequence) + 1);
    const answers = await Promise.all([
      track({ reference: row.reference, contact: "someone.else@example.com" }),
      track({ reference: row.reference, contact: "9999 9999" }),
      track({ reference: unknownRef, contact: EMAIL }),
      track({ reference: wrongCheck, contact: EMAIL }),
      track({ reference: "not a reference", contact: EMAIL }),
    ]);
    const seen = await Promise.all(answers.map(async (r) => ({ status: r.status, body: await r.text() })));
    for (const s of seen) expect(s).toEqual(seen[0]);
    expect(seen[0]!.status).toBe(404);
    expect(seen[0]!.body).not.toContain(row.reference);
  });

  it("answers 429 to the eleventh look-up from one address in ten minutes", async () => {
    const row = await fileComplaint();
    for (let i = 0; i < 10; i++) {
      expect((await track({ reference: row.reference, contact: "wrong@example.com" })).status).toBe(404);
    }
    const res = await track({ reference: row.reference, contact: EMAIL });
    expect(res.status).toBe(429);
    expect(await res.text()).not.toContain(row.reference);
  });

  it("lets the citizen appeal after the reply, checking the reference and contact again", async () => {
    const row = await fileComplaint();
    await replyTo(row.id);
    const grounds = "The reply does not explain why I was turned away.";

    const forged = await track({
      intent: "appeal",
      reference: row.reference,
      contact: "x@example.com",
      grounds,
    });
    expect(forged.status).toBe(404);
    expect(await app.db.selectFrom("appeals").selectAll().execute()).toEqual([]);

    const empty = await track({ intent: "appeal", reference: row.reference, contact: PHONE, grounds: " " });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ errors: { grounds: "complaints.errors.grounds" } });
    expect(await app.db.selectFrom("appeals").selectAll().execute()).toEqual([]);

    const res = await track({ intent: "appeal", reference: row.reference, contact: PHONE, grounds });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      result: "found",
      lodged: true,
      view: { appeal: { state: "open" } },
    });
    const appeals = await app.db.selectFrom("appeals").selectAll().execute();
    expect(appeals).toHaveLength(1);
    expect(appeals[0]).toMatchObject({
      case_id: row.id,
      lodged_by: "citizen",
      lodged_by_user: null,
      grounds,
    });

    const again = await track({ intent: "appeal", reference: row.reference, contact: PHONE, grounds });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ appealError: "complaints.track.appeal.errors.alreadyOpen" });
    expect(await app.db.selectFrom("appeals").selectAll().execute()).toHaveLength(1);
  });

  it("refuses an appeal out of time and stores nothing", async () => {
    const row = await fileComplaint();
    await replyTo(row.id);
    const fortyDaysAgo = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await app.db.updateTable("cases").set({ replied_at: fortyDaysAgo }).where("id", "=", row.id).execute();

    const view = await track({ reference: row.reference, contact: EMAIL });
    expect(await view.json()).toMatchObject({ view: { appeal: { state: "ended" } } });

    const res = await track({
      intent: "appeal",
      reference: row.reference,
      contact: EMAIL,
      grounds: "Too late?",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ appealError: "complaints.track.appeal.errors.outOfTime" });
    expect(await app.db.selectFrom("appeals").selectAll().execute()).toEqual([]);
    const events = await app.db
      .selectFrom("case_events")
      .select("kind")
      .where("case_id", "=", row.id)
      .execute();
    expect(events.map((e) => e.kind)).not.toContain("appeal");
  });

  it("answers a bad reference on the confirmation page with 404", async () => {
    const good = makeReference("IMMD", "2611", 1);
    const badCheck = `${good.slice(0, -1)}${good.endsWith("0") ? "1" : "0"}`;
    for (const ref of ["", badCheck, "nonsense", makeReference("NOPE", "2611", 1)]) {
      const res = await settle(() =>
        submittedLoader({
          request: getRequest(`/complaints/submitted?ref=${encodeURIComponent(ref)}`),
          context: app.context,
          params: {},
        }),
      );
      expect(res.status).toBe(404);
    }
  });
});
