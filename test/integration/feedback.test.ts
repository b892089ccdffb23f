import { describe, expect, it } from "vitest";
import { action as homeAction, loader as homeLoader } from "~/routes/staff._index";
import { action as feedbackAction, loader as feedbackLoader } from "~/routes/staff.feedback";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, postForm, settle } from "../setup/requests";
import { signInAs } from "../setup/session";

describe.each(DB_KINDS)("counter feedback log [%s]", (kind) => {
  const app = useTestApp(kind);

  const sessionOf = (username: string) => signInAs(app.c, username);

  const log = (cookie: string, fields: Record<string, string>, csrf?: null) =>
    settle(() =>
      feedbackAction({
        request: postForm(
          "/staff/feedback",
          { channel: "counter", language: "en", serviceId: "", ...fields },
          { csrfToken: app.csrfToken, cookie, csrf },
        ),
        context: app.context,
        params: {},
      }),
    );

  async function count(table: "feedback_entries" | "cases" | "notifications") {
    const r = await app.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirst();
    return Number(r?.n);
  }

  it("logs entries one after another, keeping the channel for the next", async () => {
    const cookie = await sessionOf("counter.immd");
    for (const k of ["compliment", "suggestion", "enquiry"]) {
      const res = await log(cookie, { kind: k, channel: "hotline", summary: `A ${k} about queues` });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toContain("channel=hotline");
    }
    expect(await count("feedback_entries")).toBe(3);
    const page = await settle(() =>
      feedbackLoader({
        request: getRequest("/staff/feedback?fk=suggestion", { cookie }),
        context: app.context,
        params: {},
      }),
    );
    const body = (await page.json()) as { entries: { kind: string }[] };
    expect(body.entries.map((e) => e.kind)).toEqual(["suggestion"]);
  });

  it("opens a case for a complaint that wants a reply, with the contact encrypted", async () => {
    const cookie = await sessionOf("counter.immd");
    const res = await log(cookie, {
      kind: "complaint",
      summary: "Waited two hours for a replacement card",
      wantsReply: "on",
      contactEmail: "chan.tai.man@example.com",
      contactPhone: "9123 4567",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/case=IMMD-\d{4}-00001-[0-9A-Z]/);
    const row = await app.db.selectFrom("cases").selectAll().executeTakeFirstOrThrow();
    const raw = JSON.stringify(row);
    expect(raw).not.toContain("chan.tai.man");
    expect(raw).not.toContain("91234567");
    expect(raw).not.toContain("9123 4567");
    expect(row.status).toBe("received");
    expect(row.ack_due).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("refuses bad entries with a message and writes nothing", async () => {
    const cookie = await sessionOf("counter.immd");
    expect((await log(cookie, { kind: "compliment", summary: "" })).status).toBe(400);
    expect((await log(cookie, { kind: "rumour", summary: "x" })).status).toBe(400);
    expect((await log(cookie, { kind: "compliment", summary: "x".repeat(501) })).status).toBe(400);
    const noContact = await log(cookie, { kind: "complaint", summary: "Rude", wantsReply: "on" });
    expect(noContact.status).toBe(400);
    expect(await noContact.json()).toMatchObject({
      errors: { contactEmail: "feedback.errors.contactNeeded" },
    });
    const hkpService = await app.db
      .selectFrom("services as s")
      .innerJoin("departments as d", "d.id", "s.department_id")
      .select("s.id")
      .where("d.code", "=", "HKP")
      .executeTakeFirstOrThrow();
    expect(
      (await log(cookie, { kind: "compliment", summary: "x", serviceId: String(hkpService.id) })).status,
    ).toBe(400);
    expect((await log(cookie, { kind: "compliment", summary: "x" }, null)).status).toBe(403);
    expect(await count("feedback_entries")).toBe(0);
    expect(await count("cases")).toBe(0);
  });

  it("records important feedback for the managers, who see it on sign-in and can mark it read", async () => {
    const counter = await sessionOf("counter.immd");
    await log(counter, { kind: "complaint", summary: "Customer fainted in the queue", important: "on" });
    expect(await count("notifications")).toBe(1);
    const manager = await sessionOf("manager.immd");
    const home = await settle(() =>
      homeLoader({ request: getRequest("/staff", { cookie: manager }), context: app.context, params: {} }),
    );
    const body = (await home.json()) as {
      notifications: { id: number; kind: string; read_at: string | null; feedback_summary: string }[];
    };
    expect(body.notifications).toHaveLength(1);
    expect(body.notifications[0]).toMatchObject({
      kind: "important_feedback",
      read_at: null,
      feedback_summary: "Customer fainted in the queue",
    });
    await settle(() =>
      homeAction({
        request: postForm(
          "/staff",
          { id: String(body.notifications[0]!.id) },
          { csrfToken: app.csrfToken, cookie: manager },
        ),
        context: app.context,
        params: {},
      }),
    );
    const again = (await (
      await settle(() =>
        homeLoader({ request: getRequest("/staff", { cookie: manager }), context: app.context, params: {} }),
      )
    ).json()) as { notifications: { read_at: string | null }[] };
    expect(again.notifications[0]?.read_at).not.toBeNull();
    // Another department's manager sees nothing of it.
    const hkp = await sessionOf("admin.hkp");
    const other = (await (
      await settle(() =>
        homeLoader({ request: getRequest("/staff", { cookie: hkp }), context: app.context, params: {} }),
      )
    ).json()) as { notifications: unknown[] };
    expect(other.notifications).toEqual([]);
  });
});
