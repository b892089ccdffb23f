import os from "node:os";
import { describe, expect, it } from "vitest";
import { resources } from "~/i18n";
import { complaintFormOptions, submitComplaint } from "~/models/cases/intake.server";
import { publicPledgeView } from "~/models/pledges/public.server";
import { loader as pledgesLoader } from "~/routes/admin.pledges._index";
import { action as servicesAction, loader as servicesLoader } from "~/routes/admin.services";
import { action as listAction, loader as listLoader } from "~/routes/central.departments._index";
import { action as deptAction, loader as deptLoader } from "~/routes/central.departments.$code";
import { action as feedbackAction, loader as feedbackLoader } from "~/routes/staff.feedback";
import { action as surveysAction, loader as surveysLoader } from "~/routes/staff.surveys._index";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { TEST_PII_KEY } from "../setup/global-setup";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

type Fields = Record<string, string>;

/** A translation key's words in one language (the key must be there). */
function words(lang: "en" | "zh-HK", key: string): string {
  let node: unknown = resources[lang].common;
  for (const part of key.split(".")) node = (node as Record<string, unknown>)[part];
  expect(typeof node, `${lang} ${key}`).toBe("string");
  return node as string;
}

/** Every error key of an answer is a message in English and in Chinese. */
function expectBilingual(errors: Record<string, string>) {
  for (const key of Object.values(errors)) {
    expect(words("en", key)).not.toBe(key);
    expect(words("zh-HK", key)).toMatch(/\p{Script=Han}/u);
  }
}

describe.each(DB_KINDS)("departments and services, administered [%s]", (kind) => {
  const app = useTestApp(kind);

  const count = async (table: "departments" | "services" | "audit_events") =>
    Number(
      (
        await app.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const auditOf = async (action: string) =>
    app.db.selectFrom("audit_events").selectAll().where("action", "=", action).orderBy("id").execute();
  const dept = (code: string) =>
    app.db.selectFrom("departments").selectAll().where("code", "=", code).executeTakeFirstOrThrow();
  const services = async (code: string) =>
    app.db
      .selectFrom("services")
      .selectAll()
      .where("department_id", "=", (await dept(code)).id)
      .orderBy("code")
      .execute();

  const post = (cookie: string, path: string, fields: Fields) => {
    const request = postForm(path, fields, { csrfToken: app.csrfToken, cookie });
    if (path === "/central/departments")
      return settle(() => listAction({ request, context: app.context, params: {} }));
    if (path === "/admin/services")
      return settle(() => servicesAction({ request, context: app.context, params: {} }));
    const code = path.split("/").pop()!;
    return settle(() => deptAction({ request, context: app.context, params: { code } }));
  };
  const newDepartment = (fields: Fields = {}): Fields => ({
    intent: "create",
    code: "ltd",
    nameEn: "Lands Tribunal Department",
    nameZh: "土地審裁處",
    kind: "department",
    ...fields,
  });

  it("lets the system administrator create, edit, deactivate and reactivate a department and its services", async () => {
    const sys = await signInAs(app.c, "sysadmin");
    const created = await post(sys, "/central/departments", newDepartment());
    expect(created.status).toBe(302);
    expect(created.headers.get("location")).toBe("/central/departments/LTD?saved=created");
    const d = await dept("LTD");
    expect(d).toMatchObject({
      name_en: "Lands Tribunal Department",
      name_zh: "土地審裁處",
      kind: "department",
      is_active: 1,
    });

    for (const [code, en, zh, pub] of [
      ["hearing", "Hearings", "聆訊", "on"],
      ["records", "Case records", "案件紀錄", ""],
    ] as const) {
      const r = await post(sys, "/central/departments/LTD", {
        intent: "create-service",
        code,
        nameEn: en,
        nameZh: zh,
        ...(pub ? { isPublic: pub } : {}),
      });
      expect(r.status).toBe(302);
    }
    const svc = await services("LTD");
    expect(svc.map((s) => [s.code, s.name_zh, s.is_public, s.is_active])).toEqual([
      ["HEARING", "聆訊", 1, 1],
      ["RECORDS", "案件紀錄", 0, 1],
    ]);

    const edited = await post(sys, "/central/departments/ltd", {
      intent: "edit",
      nameEn: "Lands Tribunal",
      nameZh: "土地審裁處（新）",
      kind: "bureau",
    });
    expect(edited.status).toBe(302);
    expect(await dept("LTD")).toMatchObject({ name_en: "Lands Tribunal", kind: "bureau" });
    const renamed = await post(sys, "/central/departments/LTD", {
      intent: "edit-service",
      serviceId: String(svc[1]!.id),
      nameEn: "Records",
      nameZh: "紀錄",
      isPublic: "on",
    });
    expect(renamed.status).toBe(302);
    expect((await services("LTD"))[1]).toMatchObject({ name_en: "Records", is_public: 1 });

    // The public form and the public pledge list show it while active, not once deactivated.
    const shown = async () =>
      (await complaintFormOptions(app.db, "en")).departments.some((x) => x.id === d.id);
    const listed = async () =>
      (await publicPledgeView(app.db, { now: new Date() }))!.departments.some((x) => x.code === "LTD");
    expect(await shown()).toBe(true);
    expect(await listed()).toBe(true);
    expect((await post(sys, "/central/departments/LTD", { intent: "active", active: "0" })).status).toBe(302);
    expect((await dept("LTD")).is_active).toBe(0);
    expect(await shown()).toBe(false);
    expect(await listed()).toBe(false);
    // A complaint posted to it anyway (an old page, a forged form) is refused; no case is written.
    const cases = await app.db.selectFrom("cases").select("id").execute();
    const refused = await submitComplaint(
      app.db,
      TEST_PII_KEY,
      os.tmpdir(),
      {
        department: String(d.id),
        service: "",
        whatHappened: "The hearing was moved without notice.",
        desiredOutcome: "",
        name: "",
        email: "",
        phone: "",
        consent: "yes",
        language: "en",
      },
      [],
    );
    expect(refused.ok).toBe(false);
    expect(await app.db.selectFrom("cases").select("id").execute()).toEqual(cases);
    // Its own page is still there (history), and so is the department in the admin list.
    expect(await publicPledgeView(app.db, { department: "LTD", now: new Date() })).not.toBeNull();
    const list = (await (
      await settle(() =>
        listLoader({
          request: getRequest("/central/departments", { cookie: sys }),
          context: app.context,
          params: {},
        }),
      )
    ).json()) as { departments: { code: string; active: boolean }[] };
    expect(list.departments.find((x) => x.code === "LTD")).toMatchObject({ active: false });
    expect((await post(sys, "/central/departments/LTD", { intent: "active", active: "1" })).status).toBe(302);
    expect(await shown()).toBe(true);

    // A deactivated service leaves the complaint form; nothing is deleted.
    await post(sys, "/central/departments/LTD", {
      intent: "service-active",
      serviceId: String(svc[0]!.id),
      active: "0",
    });
    const options = await complaintFormOptions(app.db, "en");
    expect(options.services.some((s) => s.id === svc[0]!.id)).toBe(false);
    expect(options.services.some((s) => s.id === svc[1]!.id)).toBe(true);
    expect(await services("LTD")).toHaveLength(2);
    // …and the new-pledge form of its department no longer offers it.
    await post(sys, "/central/departments/IMMD", {
      intent: "service-active",
      serviceId: String((await services("IMMD"))[0]!.id),
      active: "0",
    });
    const admin = await signInAs(app.c, "admin.immd");
    const pledgePage = (await (
      await settle(() =>
        pledgesLoader({
          request: getRequest("/admin/pledges", { cookie: admin }),
          context: app.context,
          params: {},
        }),
      )
    ).json()) as { services: { id: number }[] };
    const immdServices = await services("IMMD");
    expect(pledgePage.services.map((s) => s.id)).toEqual(
      immdServices.filter((s) => s.is_active === 1).map((s) => s.id),
    );
    expect(pledgePage.services.length).toBe(immdServices.length - 1);

    // Every change audited.
    for (const action of [
      "department.create",
      "department.update",
      "department.deactivate",
      "department.reactivate",
      "service.create",
      "service.update",
      "service.deactivate",
    ]) {
      const rows = await auditOf(action);
      expect(rows.length, action).toBeGreaterThan(0);
      expect(
        rows.some((r) => r.department_id === d.id && r.actor_user_id != null),
        action,
      ).toBe(true);
    }
    expect(await auditOf("service.create")).toHaveLength(2);
  });

  it("refuses a duplicate code, a bad code and a missing Chinese name, in both languages, writing nothing", async () => {
    const sys = await signInAs(app.c, "sysadmin");
    const before = {
      d: await count("departments"),
      s: await count("services"),
      a: await count("audit_events"),
    };
    const cases: [Fields, string, string][] = [
      [newDepartment({ code: "immd" }), "code", "departmentsAdmin.errors.codeTaken"],
      [newDepartment({ code: "L-1" }), "code", "departmentsAdmin.errors.code"],
      [newDepartment({ code: "" }), "code", "departmentsAdmin.errors.code"],
      [newDepartment({ nameZh: "" }), "nameZh", "departmentsAdmin.errors.nameZh"],
      [newDepartment({ nameZh: "Lands" }), "nameZh", "departmentsAdmin.errors.nameZh"],
      [newDepartment({ kind: "ministry" }), "kind", "departmentsAdmin.errors.kind"],
    ];
    for (const [fields, field, key] of cases) {
      const r = await post(sys, "/central/departments", fields);
      expect([400, 409]).toContain(r.status);
      const body = (await r.json()) as { errors: Record<string, string> };
      expect(body.errors[field], JSON.stringify(fields)).toBe(key);
      expectBilingual(body.errors);
    }
    const immdPassport = "PASSPORT";
    const serviceCases: [Fields, string, string][] = [
      [
        { code: immdPassport, nameEn: "Passports", nameZh: "護照" },
        "code",
        "departmentsAdmin.errors.codeTaken",
      ],
      [{ code: "a b", nameEn: "Passports", nameZh: "護照" }, "code", "departmentsAdmin.errors.code"],
      [{ code: "NEW-ONE", nameEn: "New", nameZh: "" }, "nameZh", "departmentsAdmin.errors.nameZh"],
      [{ code: "NEW-ONE", nameEn: "", nameZh: "新" }, "nameEn", "departmentsAdmin.errors.nameEn"],
    ];
    for (const [fields, field, key] of serviceCases) {
      const r = await post(sys, "/central/departments/IMMD", { intent: "create-service", ...fields });
      expect(r.status).toBe(400);
      const body = (await r.json()) as { form: string; errors: Record<string, string> };
      expect(body.form).toBe("newService");
      expect(body.errors[field], JSON.stringify(fields)).toBe(key);
      expectBilingual(body.errors);
    }
    expect({
      d: await count("departments"),
      s: await count("services"),
      a: await count("audit_events"),
    }).toEqual(before);
    // The same service code in another department is fine: codes are unique within a department.
    expect(
      (
        await post(sys, "/central/departments/HKP", {
          intent: "create-service",
          code: immdPassport,
          nameEn: "Passports",
          nameZh: "護照",
        })
      ).status,
    ).toBe(302);
  });

  it("lets a department administrator edit only their own department's services", async () => {
    const admin = await signInAs(app.c, "admin.immd");
    const page = await settle(() =>
      servicesLoader({
        request: getRequest("/admin/services", { cookie: admin }),
        context: app.context,
        params: {},
      }),
    );
    expect(page.status).toBe(200);
    const own = (await services("IMMD"))[0]!;
    const foreign = (await services("HKP"))[0]!;
    expect(
      (
        await post(admin, "/admin/services", {
          intent: "create-service",
          code: "VISA",
          nameEn: "Visas",
          nameZh: "簽證",
          isPublic: "on",
        })
      ).status,
    ).toBe(302);
    expect((await services("IMMD")).some((s) => s.code === "VISA")).toBe(true);
    const rename = { intent: "edit-service", nameEn: "Renamed", nameZh: "新名稱", isPublic: "on" };
    expect((await post(admin, "/admin/services", { ...rename, serviceId: String(own.id) })).status).toBe(302);
    expect(
      (
        await post(admin, "/admin/services", {
          intent: "service-active",
          serviceId: String(own.id),
          active: "0",
        })
      ).status,
    ).toBe(302);
    expect((await services("IMMD")).find((s) => s.id === own.id)).toMatchObject({
      name_en: "Renamed",
      is_active: 0,
    });

    // Another department's service: 404, audited, unchanged.
    const denied = (await auditOf("access.denied")).length;
    expect((await post(admin, "/admin/services", { ...rename, serviceId: String(foreign.id) })).status).toBe(
      404,
    );
    expect(
      (
        await post(admin, "/admin/services", {
          intent: "service-active",
          serviceId: String(foreign.id),
          active: "0",
        })
      ).status,
    ).toBe(404);
    expect(await auditOf("access.denied")).toHaveLength(denied + 2);
    expect((await services("HKP")).find((s) => s.id === foreign.id)).toMatchObject({
      name_en: foreign.name_en,
      is_active: 1,
    });
    // …and the central pages are not theirs.
    expect((await post(admin, "/central/departments", newDepartment())).status).toBe(404);
    expect(
      (await post(admin, "/central/departments/HKP", { ...rename, serviceId: String(foreign.id) })).status,
    ).toBe(404);
  });

  it("leaves a deactivated service out of the staff feedback and new-survey forms, and refuses it there", async () => {
    const sys = await signInAs(app.c, "sysadmin");
    const [gone, kept] = await services("IMMD");
    expect(
      (
        await post(sys, "/central/departments/IMMD", {
          intent: "service-active",
          serviceId: String(gone!.id),
          active: "0",
        })
      ).status,
    ).toBe(302);

    const counter = await signInAs(app.c, "counter.immd");
    const feedbackPage = (await (
      await settle(() =>
        feedbackLoader({
          request: getRequest("/staff/feedback", { cookie: counter }),
          context: app.context,
          params: {},
        }),
      )
    ).json()) as { services: { id: number }[] };
    expect(feedbackPage.services.map((s) => s.id)).toContain(kept!.id);
    expect(feedbackPage.services.map((s) => s.id)).not.toContain(gone!.id);
    const entries = async () =>
      Number(
        (
          await app.db
            .selectFrom("feedback_entries")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await entries();
    const logged = await settle(() =>
      feedbackAction({
        request: postForm(
          "/staff/feedback",
          {
            kind: "compliment",
            channel: "counter",
            serviceId: String(gone!.id),
            summary: "Quick",
            language: "en",
          },
          { csrfToken: app.csrfToken, cookie: counter },
        ),
        context: app.context,
        params: {},
      }),
    );
    expect(logged.status).toBe(400);
    expect(await entries()).toBe(before);

    const admin = await signInAs(app.c, "admin.immd");
    const surveysPage = (await (
      await settle(() =>
        surveysLoader({
          request: getRequest("/staff/surveys", { cookie: admin }),
          context: app.context,
          params: {},
        }),
      )
    ).json()) as { services: { id: number }[] };
    expect(surveysPage.services.map((s) => s.id)).toContain(kept!.id);
    expect(surveysPage.services.map((s) => s.id)).not.toContain(gone!.id);
    const created = await settle(() =>
      surveysAction({
        request: postForm(
          "/staff/surveys",
          { template: "csat5", serviceId: String(gone!.id) },
          { csrfToken: app.csrfToken, cookie: admin },
        ),
        context: app.context,
        params: {},
      }),
    );
    expect(created.status).toBe(400);
  });

  it("answers 404 to staff who are not the right administrators, as the other admin pages do", async () => {
    for (const username of ["officer.immd", "reviewer", "admin.immd"]) {
      const cookie = await signInAs(app.c, username);
      const r = await settle(() =>
        listLoader({
          request: getRequest("/central/departments", { cookie }),
          context: app.context,
          params: {},
        }),
      );
      expect(r.status, username).toBe(404);
      const d = await settle(() =>
        deptLoader({
          request: getRequest("/central/departments/IMMD", { cookie }),
          context: app.context,
          params: { code: "IMMD" },
        }),
      );
      expect(d.status, username).toBe(404);
    }
    for (const username of ["officer.immd", "reviewer", "sysadmin"]) {
      const cookie = await signInAs(app.c, username);
      expect(
        (
          await post(cookie, "/admin/services", {
            intent: "create-service",
            code: "X1",
            nameEn: "X",
            nameZh: "甲",
          })
        ).status,
        username,
      ).toBe(404);
    }
    const sys = await signInAs(app.c, "sysadmin");
    const missing = await settle(() =>
      deptLoader({
        request: getRequest("/central/departments/NOPE", { cookie: sys }),
        context: app.context,
        params: { code: "NOPE" },
      }),
    );
    expect(missing.status).toBe(404);
    // Not signed in: a POST is refused and writes nothing.
    const n = await count("departments");
    expect((await post("", "/central/departments", newDepartment())).status).toBe(401);
    expect(await count("departments")).toBe(n);
    expect(await count("departments")).toBe(
      (await app.db.selectFrom("departments").select("id").execute()).length,
    );
  });
});
