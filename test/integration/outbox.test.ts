import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SendDeps, sendPendingEmails } from "~/models/outbox/delivery.server";
import { escalateNotifications } from "~/models/outbox/escalation.server";
import { loader as outboxLoader } from "~/routes/admin.outbox";
import { action as signInAction } from "~/routes/staff.sign-in";
import { createCase } from "../../app/models/cases/intake.server";
import { logFeedback } from "../../app/models/feedback/entries.server";
import { enqueueEmail } from "../../app/models/outbox/email.server";
import { encryptPii } from "../../app/utils/crypto.server";
import { createMailer, type Mailer } from "../../app/utils/mailer.server";
import { DEMO_PASSWORD } from "../../db/seed-data";
import { useTestApp } from "../setup/app";
import { ORIGIN } from "../setup/context";
import { DB_KINDS } from "../setup/db";
import { cookieFrom, getRequest, postForm, settle } from "../setup/requests";

interface Received {
  to: string[];
  raw: string;
  /** the decoded text of a single-part message */
  text: string;
  messageId: string | undefined;
}

/** A real SMTP server on a free port; `reject` refuses every recipient with a 550. */
async function startSmtp(options: { reject?: boolean } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!options.reject) return callback();
      const error = Object.assign(new Error(`Mailbox unavailable: ${address.address}`), {
        responseCode: 550,
      });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          text: decodeBody(raw),
          messageId: /^Message-ID: (.+)$/im.exec(raw)?.[1]?.trim(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  const mailer = createMailer({ SMTP_URL: `smtp://127.0.0.1:${port}?ignoreTLS=true` }) as Mailer;
  return {
    received,
    mailer,
    async close() {
      mailer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The text of a single-part message, undoing quoted-printable or base64. */
function decodeBody(raw: string): string {
  const split = raw.indexOf("\r\n\r\n");
  const headers = raw.slice(0, split);
  const body = raw.slice(split + 4);
  const encoding = /^Content-Transfer-Encoding: (\S+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === "base64") return Buffer.from(body, "base64").toString("utf8");
  if (encoding === "quoted-printable") {
    const bytes = body
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  return body;
}

describe.each(DB_KINDS)("e-mail from the outbox [%s]", (kind) => {
  const app = useTestApp(kind);
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let piiKey: string;
  let immd: number;
  const deps = (mailer: Mailer, now?: () => Date): SendDeps => ({
    mailer,
    piiKey,
    appOrigin: ORIGIN,
    from: "Pledge <no-reply@pledge.example>",
    now,
  });

  beforeEach(async () => {
    piiKey = app.context.env.PII_KEY;
    smtp = await startSmtp();
    const d = await app.db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    immd = d.id;
  });
  afterEach(async () => {
    await smtp.close();
  });

  async function addStaff(
    username: string,
    role: "manager" | "case_officer",
    email: string | null,
    active = 1,
  ) {
    await app.db
      .insertInto("staff_users")
      .values({
        username,
        display_name: username,
        role,
        department_id: immd,
        password_hash: "x",
        is_active: active,
        email,
        created_at: "2026-01-01T00:00:00.000Z",
        updated_at: "2026-01-01T00:00:00.000Z",
      })
      .execute();
  }

  async function counterStaff() {
    const u = await app.db
      .selectFrom("staff_users")
      .select("id")
      .where("username", "=", "counter.immd")
      .executeTakeFirstOrThrow();
    return { id: u.id, departmentId: immd };
  }

  async function queueOne(key: string, to: string) {
    await enqueueEmail(app.db, {
      dedupeKey: key,
      kind: "test",
      departmentId: immd,
      toEnc: encryptPii(piiKey, to)!,
      subject: `Subject ${key}`,
      body: `Body ${key}: {{APP_ORIGIN}}/track`,
    });
  }

  const outbox = () => app.db.selectFrom("outbox_messages").selectAll().orderBy("id").execute();

  it("e-mails important feedback to each of the department's active managers, once", async () => {
    await addStaff("manager2.immd", "manager", "manager2.immd@pledge.example");
    await addStaff("manager3.immd", "manager", "gone@pledge.example", 0); // inactive
    await addStaff("manager4.immd", "manager", null); // no address
    const summary = "Waited two hours at the Wan Chai counter; the ticket machine was broken";
    await logFeedback(app.db, piiKey, await counterStaff(), {
      kind: "complaint",
      channel: "counter",
      serviceId: null,
      summary,
      language: "en",
      important: true,
      wantsReply: false,
    });

    expect(await escalateNotifications(app.db, piiKey)).toBe(1);
    expect(await sendPendingEmails(app.db, deps(smtp.mailer))).toEqual({ sent: 2, failed: 0 });
    expect(smtp.received.map((m) => m.to).sort()).toEqual([
      ["manager.immd@pledge.example"],
      ["manager2.immd@pledge.example"],
    ]);
    for (const m of smtp.received) {
      expect(m.text).toContain(summary);
      expect(m.text).toContain(`${ORIGIN}/staff/feedback`);
      expect(m.text).toContain("Complaint");
      expect(m.text).toContain("投訴");
      expect(m.text).not.toContain("{{APP_ORIGIN}}");
      expect(m.messageId).toMatch(/^<outbox-\d+@pledge>$/);
    }
    const notification = await app.db
      .selectFrom("notifications")
      .select("emailed_at")
      .executeTakeFirstOrThrow();
    expect(notification.emailed_at).not.toBeNull();

    // Again: nothing new to escalate, nothing left to send.
    expect(await escalateNotifications(app.db, piiKey)).toBe(0);
    expect(await sendPendingEmails(app.db, deps(smtp.mailer))).toEqual({ sent: 0, failed: 0 });
    expect(smtp.received).toHaveLength(2);
    const rows = await outbox();
    expect(rows.every((r) => r.sent_at !== null && r.claimed_at === null && r.attempts === 0)).toBe(true);
    // The address is stored encrypted, never in plain text.
    expect(rows.some((r) => r.to_enc.includes("@"))).toBe(false);
  });

  it("sends a case's acknowledgement to the complainant with links to this site, once", async () => {
    await createCase(app.db, piiKey, {
      departmentId: immd,
      serviceId: null,
      channel: "web",
      language: "en",
      whatHappened: "My passport renewal is late",
      desiredOutcome: "",
      contact: { email: "Citizen@Example.com" },
      consent: true,
    });
    expect(await sendPendingEmails(app.db, deps(smtp.mailer))).toEqual({ sent: 1, failed: 0 });
    expect(await sendPendingEmails(app.db, deps(smtp.mailer))).toEqual({ sent: 0, failed: 0 });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(["citizen@example.com"]);
    expect(smtp.received[0]!.text).toContain(`${ORIGIN}/track`);
    expect(smtp.received[0]!.raw).not.toContain("{{APP_ORIGIN}}");
  });

  it("sends each message once when workers run at the same time", async () => {
    for (let i = 0; i < 6; i++) await queueOne(`race-${i}`, `person${i}@example.com`);
    const results = await Promise.all([1, 2, 3].map(() => sendPendingEmails(app.db, deps(smtp.mailer))));
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(6);
    expect(smtp.received).toHaveLength(6);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(6);
    expect((await outbox()).every((r) => r.sent_at !== null)).toBe(true);
  });

  it("records a refused message without the address and sends it on a later run", async () => {
    await queueOne("refused", "someone@example.com");
    const refusing = await startSmtp({ reject: true });
    try {
      expect(await sendPendingEmails(app.db, deps(refusing.mailer))).toEqual({ sent: 0, failed: 1 });
    } finally {
      await refusing.close();
    }
    const [row] = await outbox();
    expect(row).toMatchObject({ attempts: 1, sent_at: null, claimed_at: null });
    expect(row!.last_error).toBeTruthy();
    expect(row!.last_error).not.toContain("someone@example.com");

    expect(await sendPendingEmails(app.db, deps(smtp.mailer))).toEqual({ sent: 1, failed: 0 });
    expect(smtp.received.map((m) => m.to)).toEqual([["someone@example.com"]]);
    expect((await outbox())[0]).toMatchObject({ attempts: 1 });
  });

  it("takes over a claim older than 10 minutes, and leaves a recent one alone", async () => {
    await queueOne("stale", "stale@example.com");
    await queueOne("recent", "recent@example.com");
    const now = Date.now();
    const setClaim = (key: string, minutesAgo: number) =>
      app.db
        .updateTable("outbox_messages")
        .set({ claimed_at: new Date(now - minutesAgo * 60_000).toISOString() })
        .where("dedupe_key", "=", key)
        .execute();
    await setClaim("stale", 11);
    await setClaim("recent", 2);
    expect(await sendPendingEmails(app.db, deps(smtp.mailer))).toEqual({ sent: 1, failed: 0 });
    expect(smtp.received.map((m) => m.to)).toEqual([["stale@example.com"]]);
  });

  it("leaves everything in the outbox when no mail server is configured", async () => {
    await queueOne("no-smtp", "x@example.com");
    expect(createMailer({ SMTP_URL: undefined })).toBeNull();
    expect(await sendPendingEmails(app.db, { ...deps(smtp.mailer), mailer: null })).toEqual({
      sent: 0,
      failed: 0,
    });
    expect((await outbox())[0]).toMatchObject({ sent_at: null, attempts: 0, claimed_at: null });
  });

  it("shows administrators their outbox with masked addresses", async () => {
    await queueOne("shown", "citizen@example.com");
    const signIn = async (username: string) =>
      cookieFrom(
        await settle(() =>
          signInAction({
            request: postForm(
              "/staff/sign-in",
              { username, password: DEMO_PASSWORD },
              { csrfToken: app.csrfToken },
            ),
            context: app.context,
            params: {},
          }),
        ),
        "pledge_session",
      );
    const read = async (username: string) => {
      const res = await settle(async () =>
        outboxLoader({
          request: getRequest("/admin/outbox", { cookie: await signIn(username) }),
          context: app.context,
          params: {},
        }),
      );
      return res;
    };
    const own = (await (await read("admin.immd")).json()) as { messages: { to: string; subject: string }[] };
    expect(own.messages).toEqual([
      expect.objectContaining({ to: "c***@example.com", subject: "Subject shown" }),
    ]);
    expect(JSON.stringify(own)).not.toContain("citizen@");
    const all = (await (await read("sysadmin")).json()) as { messages: unknown[] };
    expect(all.messages).toHaveLength(1);
    const other = (await (await read("admin.hkp")).json()) as { messages: unknown[] };
    expect(other.messages).toEqual([]);
    expect((await read("manager.immd")).status).toBe(404);
  });
});
