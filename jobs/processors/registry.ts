import type { FlowProducer, JobsOptions } from "bullmq";
import { hkDate } from "../../app/models/calendar/time";
import { isWorkingDay } from "../../app/models/calendar/working-days";
import { flagOverdueCases } from "../../app/models/cases/deadlines.server";
import { remindDueCases } from "../../app/models/cases/reminders.server";
import { runRegistryImport } from "../../app/models/imports/registry-imports.server";
import { sendPendingEmails } from "../../app/models/outbox/delivery.server";
import { escalateNotifications, flagOverdueAppeals } from "../../app/models/outbox/escalation.server";
import {
  recomputeAllStoredResults,
  refreshStaleResults,
} from "../../app/models/pledges/stored-results.server";
import type { QueueName } from "../../app/models/queues/definitions";
import { purgeExpired } from "../../app/models/retention/purge.server";
import { remindReviewReturns } from "../../app/models/reviews/reminders.server";
import type { Env } from "../../app/utils/env.server";
import type { Mailer } from "../../app/utils/mailer.server";
import type { Db } from "../../db/client";
import { JOB_DEFINITIONS, JOBS, type JobName, type JobPayload, parsePayload } from "../definitions";
import { runNightlyBackup } from "./backup";
import { runDepartmentReport, runGovernmentSummary, runMonthly } from "./reports";

/** What a handler may know of its run; it never touches BullMQ's Job. */
export interface ProcessorContext {
  jobId: string | undefined;
  attempt: number;
  log: (message: string) => void;
}
/** A job's handler: a plain function of its parsed payload and context. */
export type JobHandler<N extends JobName> = (data: JobPayload<N>, ctx: ProcessorContext) => Promise<unknown>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };
/** What the worker runs for a job: a function of the job's raw data (its payload, unparsed). */
export type Processor = (data: unknown, ctx: ProcessorContext) => Promise<unknown>;
/** Queue → job name → processor. */
export type Processors = Partial<Record<QueueName, Record<string, Processor>>>;

export interface HandlerDeps {
  db: Db;
  env: Pick<
    Env,
    | "PII_KEY"
    | "APP_ORIGIN"
    | "PORT"
    | "MAIL_FROM"
    | "DATA_DIR"
    | "RETENTION_ATTACHMENT_DAYS"
    | "RETENTION_OUTBOX_DAYS"
  > &
    Partial<Pick<Env, "OUTBOX_CLAIM_TIMEOUT_S">> &
    Partial<Pick<Env, "DATABASE_URL" | "BACKUP_DIR" | "BACKUP_KEEP">>;
  mailer: Mailer | null;
  /** adds the monthly flow; without one, reports.monthly fails with a clear error */
  flow?: Pick<FlowProducer, "add">;
  /** options of the fan-out's jobs (tests shorten the backoff) */
  reportJobOptions?: JobsOptions;
  now?: () => Date;
}

/**
 * Every job's handler, built from what they need (the database, the environment, a mail
 * transport or null, a flow producer for the monthly fan-out). Payloads carry ids and months only
 * (jobs/definitions.ts); each run reads its work from the database.
 */
export function buildHandlers(deps: HandlerDeps): JobHandlers {
  const { db, env, mailer, now } = deps;
  const send = () =>
    sendPendingEmails(db, {
      mailer,
      piiKey: env.PII_KEY,
      // Without APP_ORIGIN the links point at this machine: set it in production.
      appOrigin: env.APP_ORIGIN ?? `http://localhost:${env.PORT}`,
      from: env.MAIL_FROM,
      claimTimeoutMs: env.OUTBOX_CLAIM_TIMEOUT_S ? env.OUTBOX_CLAIM_TIMEOUT_S * 1000 : undefined,
    });
  const reportDeps = { db, piiKey: env.PII_KEY, now };
  return {
    [JOBS.reportsMonthly]: async (data, ctx) => {
      if (!deps.flow) throw new Error("The monthly run needs a flow producer");
      const r = await runMonthly({ ...reportDeps, flow: deps.flow, jobOptions: deps.reportJobOptions }, data);
      ctx.log(`month ${r.month}: ${r.departments} department report jobs under ${r.parentId}`);
      return r;
    },
    [JOBS.reportDepartment]: async (data, ctx) => {
      const r = await runDepartmentReport(reportDeps, data);
      // The digests were committed with the report: send them now rather than at the next tick.
      const { sent, failed } = await send();
      ctx.log(`report ${r.reportId}: ${r.digests} digest(s) queued, ${sent} sent, ${failed} failed`);
      return r;
    },
    [JOBS.reportGovernment]: async (data, ctx) => {
      const r = await runGovernmentSummary(reportDeps, data);
      await send();
      ctx.log(`summary ${r.month}: ${r.reported} of ${r.departments} departments reported`);
      return r;
    },
    // Escalate, then send at once: an important feedback reaches managers within one run.
    [JOBS.notificationsEscalate]: async (_data, ctx) => {
      // Cases that went overdue since the last run become notifications first (once each).
      await flagOverdueCases(db, hkDate(new Date()));
      // Appeals past their own deadline too (issue 14), once each.
      await flagOverdueAppeals(db, hkDate(new Date()));
      const escalated = await escalateNotifications(db, env.PII_KEY);
      const { sent, failed } = await send();
      if (escalated || sent || failed) ctx.log(`escalated ${escalated}, sent ${sent}, failed ${failed}`);
      return { escalated, sent, failed };
    },
    // 08:00 Hong Kong time: officers hear of cases due within two working days. Not at
    // weekends and on public holidays: the last working day's e-mail already covered them.
    // The same morning, every day (a review's deadline does not move for a weekend): department
    // administrators hear of an open review return a week and a day before its deadline, and the
    // central bureau of the departments late with it (issue 16).
    [JOBS.casesRemindDue]: async (_data, ctx) => {
      const at = now?.() ?? new Date();
      const reviews = await remindReviewReturns(db, env.PII_KEY, at);
      if (reviews.reminders || reviews.lateLists)
        ctx.log(`review: ${reviews.reminders} reminder(s), ${reviews.lateLists} late list(s) queued`);
      if (!isWorkingDay(hkDate(at))) {
        if (reviews.reminders || reviews.lateLists) await send();
        return { officers: 0, cases: 0, appeals: 0, reviews, skipped: "not a working day" };
      }
      const r = await remindDueCases(db, env.PII_KEY, at);
      const { sent, failed } = await send();
      ctx.log(
        `reminded ${r.officers} officer(s) of ${r.cases} case(s) and ${r.appeals} appeal(s); sent ${sent}, failed ${failed}`,
      );
      return { ...r, reviews };
    },
    [JOBS.outboxSend]: async (_data, ctx) => {
      const { sent, failed } = await send();
      if (sent || failed) ctx.log(`sent ${sent}, failed ${failed}`);
      return { sent, failed };
    },
    // 02:30 every night (ADR 0010): a backup of a SQLite database, the newest BACKUP_KEEP kept.
    [JOBS.backupNightly]: async (_data, ctx) => {
      const { DATABASE_URL, DATA_DIR, BACKUP_DIR, BACKUP_KEEP, PII_KEY } = env;
      if (!DATABASE_URL || !DATA_DIR || !BACKUP_DIR || !BACKUP_KEEP)
        throw new Error("The nightly backup needs DATABASE_URL, DATA_DIR, BACKUP_DIR and BACKUP_KEEP");
      return runNightlyBackup({ DATABASE_URL, DATA_DIR, BACKUP_DIR, BACKUP_KEEP, PII_KEY }, ctx);
    },
    // A government's folder uploaded on /central/imports: unpack, check, load, recompute results.
    [JOBS.registryImport]: async (data, ctx) =>
      runRegistryImport(db, { dataDir: env.DATA_DIR, importId: data.importId, log: ctx.log }),
    // 03:00 Hong Kong time: what the retention periods no longer allow (retention/purge.server.ts).
    [JOBS.retentionPurge]: async (_data, ctx) => {
      const r = await purgeExpired(
        db,
        {
          dataDir: env.DATA_DIR,
          attachmentDays: env.RETENTION_ATTACHMENT_DAYS,
          outboxDays: env.RETENTION_OUTBOX_DAYS,
        },
        now?.() ?? new Date(),
      );
      ctx.log(
        `contacts of ${r.contacts} case(s), ${r.attachments} attachment(s), ${r.messages} e-mail(s), ${r.partFiles} unfinished upload(s) deleted`,
      );
      return r;
    },
    // Every 20 s: the stored results the stale marks name (pledges/stored-results.server.ts).
    [JOBS.resultsRefresh]: async (_data, ctx) => {
      const r = await refreshStaleResults(db, { now: now?.() });
      if (r.marks) ctx.log(`${r.marks} mark(s): ${r.pledges} pledge(s), ${r.rows} result(s) stored`);
      return r;
    },
    // 03:30 Hong Kong time: every stored result recomputed.
    [JOBS.resultsNightly]: async (_data, ctx) => {
      const r = await recomputeAllStoredResults(db, { now: now?.() });
      ctx.log(`${r.pledges} pledge(s), ${r.rows} result(s) stored`);
      return r;
    },
  };
}

/**
 * The worker's table of processors: each job's handler under its queue, behind its payload's
 * schema. The payload is parsed here, once, before the handler runs; one that does not fit fails
 * the job for good with what is wrong (parsePayload).
 */
export function processorsOf(handlers: JobHandlers): Processors {
  const processors: Processors = {};
  for (const name of Object.keys(JOB_DEFINITIONS) as JobName[]) {
    const handler = handlers[name] as JobHandler<JobName>;
    const { queue } = JOB_DEFINITIONS[name];
    processors[queue] = {
      ...processors[queue],
      [name]: async (data: unknown, ctx: ProcessorContext) => handler(parsePayload(name, data), ctx),
    };
  }
  return processors;
}

/** The worker's processors, built from their dependencies (the worker's main() and tests). */
export function buildProcessors(deps: HandlerDeps): Processors {
  return processorsOf(buildHandlers(deps));
}
