import { describe, expect, it } from "vitest";
import { resources } from "~/i18n";
import { hkDate } from "~/models/calendar/time";
import { action as listAction, loader as listLoader } from "~/routes/admin.liaison._index";
import { action as groupAction, loader as groupLoader } from "~/routes/admin.liaison.$id";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

type Fields = Record<string, string | string[]>;

/** A translation key's words in one language (the key must be there). */
function words(lang: "en" | "zh-HK", key: string): string {
  let node: unknown = resources[lang].common;
  for (const part of key.split(".")) node = (node as Record<string, unknown>)[part];
  expect(typeof node, `${lang} ${key}`).toBe("string");
  return node as string;
}

describe.each(DB_KINDS)("liaison groups and user committees [%s]", (kind) => {
  const app = useTestApp(kind);

  const post = (cookie: string, path: string, fields: Fields) => {
    const body: Record<string, string> = {};
    const multi: [string, string][] = [];
    for (const [k, v] of Object.entries(fields)) {
      if (Array.isArray(v)) for (const x of v) multi.push([k, x]);
      else body[k] = v;
    }
    const base = postForm(path, body, { csrfToken: app.csrfToken, cookie });
    return settle(async () => {
      const params = new URLSearchParams(await base.text());
      for (const [k, v] of multi) params.append(k, v);
      const request = new Request(base.url, { method: "POST", headers: base.headers, body: params });
      if (path === "/admin/liaison") return listAction({ request, context: app.context, params: {} });
      const id = path.split("/").pop()!;
      return groupAction({ request, context: app.context, params: { id } });
    });
  };
  const get = async (cookie: string, path: string) => {
    const request = getRequest(path, { cookie });
    const id = path.split("/").pop()!;
    return settle(() =>
      path === "/admin/liaison"
        ? listLoader({ request, context: app.context, params: {} })
        : groupLoader({ request, context: app.context, params: { id } }),
    );
  };
  const counts = async () => ({
    groups: (await app.db.selectFrom("liaison_groups").select("id").execute()).length,
    services: (await app.db.selectFrom("liaison_group_services").select("group_id").execute()).length,
    meetings: (await app.db.selectFrom("liaison_meetings").select("id").execute()).length,
  });
  const serviceIds = async (code: string) => {
    const d = await app.db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", code)
      .executeTakeFirstOrThrow();
    return (
      await app.db
        .selectFrom("services")
        .select("id")
        .where("department_id", "=", d.id)
        .orderBy("code")
        .execute()
    ).map((s) => String(s.id));
  };
  const audit = async (action: string) =>
    app.db.selectFrom("audit_events").selectAll().where("action", "=", action).execute();
  const newGroup = (fields: Fields = {}): Fields => ({
    intent: "create",
    kind: "liaison-group",
    nameEn: "Passport Customer Liaison Group",
    nameZh: "護照顧客聯絡小組",
    ...fields,
  });

  it("records a group, its services and meetings, lists it, and keeps it when disbanded", async () => {
    const admin = await signInAs(app.c, "admin.immd");
    const immd = await serviceIds("IMMD");
    const created = await post(admin, "/admin/liaison", newGroup({ services: immd.slice(0, 2) }));
    expect(created.status).toBe(302);
    const location = created.headers.get("location")!;
    expect(location).toMatch(/^\/admin\/liaison\/\d+\?saved=created$/);
    const id = location.split("/").pop()!.split("?")[0]!;
    const path = `/admin/liaison/${id}`;
    expect(await counts()).toEqual({ groups: 1, services: 2, meetings: 0 });
    expect(await audit("liaison.create")).toHaveLength(1);

    const meeting = await post(admin, path, {
      intent: "add-meeting",
      metOn: "2026-03-02",
      summaryEn: "Members asked for evening counters.",
      summaryZh: "委員要求設立晚間櫃位。",
    });
    expect(meeting.status).toBe(302);
    expect(meeting.headers.get("location")).toBe(`${path}?saved=meetingAdded`);
    // Today (Hong Kong) is allowed.
    expect(
      (
        await post(admin, path, {
          intent: "add-meeting",
          metOn: hkDate(new Date()),
          summaryEn: "Follow-up.",
          summaryZh: "跟進。",
        })
      ).status,
    ).toBe(302);
    expect(await audit("liaison.meeting")).toHaveLength(2);

    const page = (await (await get(admin, path)).json()) as {
      name: string;
      services: string[];
      meetings: { metOn: string; summaryZh: string }[];
      canKeep: boolean;
      active: boolean;
    };
    expect(page.name).toBe("Passport Customer Liaison Group");
    expect(page.services).toHaveLength(2);
    expect(page.meetings.map((m) => m.metOn)).toEqual([hkDate(new Date()), "2026-03-02"]);
    expect(page.canKeep).toBe(true);

    // The department's manager and the central bureau read it; they cannot write.
    for (const reader of ["manager.immd", "reviewer"]) {
      const cookie = await signInAs(app.c, reader);
      const list = (await (await get(cookie, "/admin/liaison")).json()) as {
        canKeep: boolean;
        groups: { name: string; meetings: number; lastMetOn: string }[];
      };
      expect(list.canKeep, reader).toBe(false);
      expect(list.groups).toEqual([
        expect.objectContaining({
          name: "Passport Customer Liaison Group",
          meetings: 2,
          lastMetOn: hkDate(new Date()),
        }),
      ]);
      expect(((await (await get(cookie, path)).json()) as { canKeep: boolean }).canKeep).toBe(false);
      const refused = await post(cookie, path, { intent: "disband" });
      expect(refused.status, reader).toBe(404);
    }
    // Another department's administrator sees neither the list entry nor the page.
    const hkp = await signInAs(app.c, "admin.hkp");
    expect(((await (await get(hkp, "/admin/liaison")).json()) as { groups: unknown[] }).groups).toEqual([]);
    expect((await get(hkp, path)).status).toBe(404);
    expect((await post(hkp, path, { intent: "disband" })).status).toBe(404);
    expect((await audit("access.denied")).length).toBeGreaterThanOrEqual(2);

    const disbanded = await post(admin, path, { intent: "disband" });
    expect(disbanded.status).toBe(302);
    const group = await app.db
      .selectFrom("liaison_groups")
      .selectAll()
      .where("id", "=", Number(id))
      .executeTakeFirstOrThrow();
    expect(group.is_active).toBe(0);
    expect(await counts()).toEqual({ groups: 1, services: 2, meetings: 2 });
    expect(await audit("liaison.disband")).toHaveLength(1);
    // A disbanded group takes no more meetings.
    const late = await post(admin, path, {
      intent: "add-meeting",
      metOn: "2026-04-01",
      summaryEn: "x",
      summaryZh: "會",
    });
    expect(late.status).toBe(400);
    expect(await counts()).toEqual({ groups: 1, services: 2, meetings: 2 });
  });

  it("refuses bad input with a clear message in both languages and writes nothing", async () => {
    const admin = await signInAs(app.c, "admin.immd");
    const hkpService = (await serviceIds("HKP"))[0]!;
    const before = await counts();
    const cases: [Fields, string, string][] = [
      [newGroup({ services: [hkpService] }), "services", "liaison.errors.service"],
      [newGroup({ services: ["999999"] }), "services", "liaison.errors.service"],
      [newGroup({ nameZh: "Passport group" }), "nameZh", "liaison.errors.nameZh"],
      [newGroup({ nameEn: "" }), "nameEn", "liaison.errors.nameEn"],
      [newGroup({ nameEn: "x".repeat(201) }), "nameEn", "liaison.errors.nameTooLong"],
      [newGroup({ kind: "club" }), "kind", "liaison.errors.kind"],
    ];
    for (const [fields, field, key] of cases) {
      const r = await post(admin, "/admin/liaison", fields);
      expect(r.status, key).toBe(400);
      const body = (await r.json()) as { errors: Record<string, string> };
      expect(body.errors[field], key).toBe(key);
    }
    expect(await counts()).toEqual(before);

    const ok = await post(admin, "/admin/liaison", newGroup());
    const path = ok.headers.get("location")!.split("?")[0]!;
    const afterGroup = await counts();
    const tomorrow = hkDate(new Date(Date.now() + 86_400_000));
    const meetingCases: [Fields, string, string][] = [
      [{ metOn: tomorrow, summaryEn: "a", summaryZh: "會" }, "metOn", "liaison.errors.future"],
      [{ metOn: "2026-02-30", summaryEn: "a", summaryZh: "會" }, "metOn", "liaison.errors.metOn"],
      [{ metOn: "02/03/2026", summaryEn: "a", summaryZh: "會" }, "metOn", "liaison.errors.metOn"],
      [
        { metOn: "2026-03-02", summaryEn: "x".repeat(1001), summaryZh: "會" },
        "summaryEn",
        "liaison.errors.summaryTooLong",
      ],
      [
        { metOn: "2026-03-02", summaryEn: "a", summaryZh: "會".repeat(1001) },
        "summaryZh",
        "liaison.errors.summaryTooLong",
      ],
      [{ metOn: "2026-03-02", summaryEn: "", summaryZh: "會" }, "summaryEn", "liaison.errors.summaryEn"],
      [
        { metOn: "2026-03-02", summaryEn: "a", summaryZh: "no Chinese" },
        "summaryZh",
        "liaison.errors.summaryZh",
      ],
    ];
    for (const [fields, field, key] of meetingCases) {
      const r = await post(admin, path, { intent: "add-meeting", ...fields });
      expect(r.status, key).toBe(400);
      expect(((await r.json()) as { errors: Record<string, string> }).errors[field], key).toBe(key);
      expect(words("en", key)).not.toBe(key);
      expect(words("zh-HK", key)).toMatch(/\p{Script=Han}/u);
    }
    expect(await counts()).toEqual(afterGroup);

    // Without the CSRF token: refused before anything is read.
    const forged = await settle(() =>
      listAction({
        request: postForm("/admin/liaison", newGroup() as Record<string, string>, {
          csrfToken: app.csrfToken,
          cookie: admin,
          csrf: null,
        }),
        context: app.context,
        params: {},
      }),
    );
    expect(forged.status).toBe(403);
    expect(await counts()).toEqual(afterGroup);
  });

  it("lets the system administrator record a group for any department, with that department's services only", async () => {
    const sys = await signInAs(app.c, "sysadmin");
    const hkp = await app.db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "HKP")
      .executeTakeFirstOrThrow();
    const immdService = (await serviceIds("IMMD"))[0]!;
    const refused = await post(
      sys,
      "/admin/liaison",
      newGroup({ departmentId: String(hkp.id), services: [immdService], kind: "user-committee" }),
    );
    expect(refused.status).toBe(400);
    expect(await counts()).toEqual({ groups: 0, services: 0, meetings: 0 });
    const ok = await post(
      sys,
      "/admin/liaison",
      newGroup({ departmentId: String(hkp.id), services: await serviceIds("HKP"), kind: "user-committee" }),
    );
    expect(ok.status).toBe(302);
    expect(await counts()).toEqual({ groups: 1, services: 3, meetings: 0 });
  });
});
