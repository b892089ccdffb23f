import { flagOverdueCases } from "../../app/models/case.server";
import { hkDate } from "../../app/models/time";
import type { Env } from "../../app/utils/env.server";
import type { Mailer } from "../../app/utils/mailer.server";
import type { Db } from "../../db/client";
import { JOBS, QUEUES } from "../queues";
import type { registry } from "../registry";
import { escalateNotifications, sendPendingEmails } from "./outbox";

/**
 * The worker's processors, built from what they need (the database, the environment, a mail
 * transport or null). Payloads are empty: each run reads its work from the database.
 */
export function buildProcessors(deps: {
  db: Db;
  env: Pick<Env, "PII_KEY" | "APP_ORIGIN" | "PORT" | "MAIL_FROM">;
  mailer: Mailer | null;
}): typeof registry {
  const { db, env, mailer } = deps;
  const send = () =>
    sendPendingEmails(db, {
      mailer,
      piiKey: env.PII_KEY,
      // Without APP_ORIGIN the links point at this machine: set it in production.
      appOrigin: env.APP_ORIGIN ?? `http://localhost:${env.PORT}`,
      from: env.MAIL_FROM,
    });
  return {
    [QUEUES.notifications]: {
      // Escalate, then send at once: an important feedback reaches managers within one run.
      [JOBS.notificationsEscalate]: async (_data, ctx) => {
        // Cases that went overdue since the last run become notifications first (once each).
        await flagOverdueCases(db, hkDate(new Date()));
        const escalated = await escalateNotifications(db, env.PII_KEY);
        const { sent, failed } = await send();
        if (escalated || sent || failed) ctx.log(`escalated ${escalated}, sent ${sent}, failed ${failed}`);
        return { escalated, sent, failed };
      },
      [JOBS.outboxSend]: async (_data, ctx) => {
        const { sent, failed } = await send();
        if (sent || failed) ctx.log(`sent ${sent}, failed ${failed}`);
        return { sent, failed };
      },
    },
  };
}
