/**
 * `npm run report -- --month 2026-10 [--department IMMD] [--queue]`: generates (or rebuilds in
 * place) the monthly management reports of a month through the worker's own processors
 * (jobs/processors/reports.ts), and prints a line each.
 *
 * - By default it runs them here, one department after another, then the government summary:
 *   no Redis needed. Managers' digests go to the outbox once each (a rebuilt report sends none).
 * - With --queue it adds the month's flow to Redis for the worker to run (as the scheduler does
 *   on the 1st) and waits until the summary is done.
 */
import { FlowProducer, Job, Queue, QueueEvents } from "bullmq";
import { bullPrefix, QUEUES, queueOptions } from "../app/models/queues/definitions";
import { getGovernmentSummary, saveGovernmentSummary } from "../app/models/reports/government.server";
import type { DepartmentReport } from "../app/models/reports/schema";
import { type Env, loadEnv } from "../app/utils/env.server";
import { createDb, type Db } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { producerConnection, workerConnection } from "../jobs/connection";
import { enqueueMonthlyReports, runDepartmentReport, runGovernmentSummary } from "../jobs/processors/reports";
import { parseCliArgs, runCli, UsageError } from "./cli";

const USAGE = "Usage: npm run report -- --month YYYY-MM [--department CODE] [--queue]";

runCli("report", async () => {
  const { values } = parseCliArgs(
    { options: { month: { type: "string" }, department: { type: "string" }, queue: { type: "boolean" } } },
    USAGE,
  );
  const month = values.month ?? "";
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    throw new UsageError(
      `${values.month ? `Not a month: ${values.month}` : "--month is required"}.\n${USAGE}`,
    );
  }
  if (values.queue && values.department) {
    throw new UsageError(
      "--queue runs every department's report (the monthly flow); leave out --department.",
    );
  }
  return run(month, values.department, values.queue ?? false);
});

const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 1000) / 10}%`);
const line = (code: string, id: number, r: DepartmentReport) => {
  const sat = r.surveys.perSurvey.map((s) => `${s.slug} ${pct(s.share)}`).join(", ");
  return (
    `${code} ${r.month} report #${id}: ${r.surveys.responses.count} responses (satisfied: ${sat || "—"}); ` +
    `${r.feedback.total.count} feedback; complaints ${r.complaints.received.count} received, ` +
    `${r.complaints.closed.count} closed (${r.complaints.closedWithinPledge.count} in time), ` +
    `${r.complaints.overdue.count} overdue; pledges ${r.pledges.met} met, ${r.pledges.notMet} not met, ` +
    `${r.pledges.insufficient} not enough data; ${r.importantFeedback.length} important feedback.`
  );
};

async function run(month: string, department: string | undefined, queued: boolean): Promise<number> {
  const env = loadEnv();
  const db = createDb(env.DATABASE_URL);
  try {
    await migrateToLatest(db);
    let q = db.selectFrom("departments").select(["id", "code"]).orderBy("code");
    if (department) q = q.where("code", "=", department.toUpperCase());
    const departments = await q.execute();
    if (departments.length === 0) {
      console.error(`No department ${department}.`);
      return 1;
    }
    if (queued) await viaWorker(env, db, month, departments.length);
    else await here(env, db, month, departments, department !== undefined);
    return 0;
  } finally {
    await db.destroy();
  }
}

/** Adds the month's flow for the worker and waits for its summary. */
async function viaWorker(env: Env, db: Db, month: string, departments: number): Promise<void> {
  const connection = producerConnection(env.REDIS_URL);
  // QueueEvents blocks on Redis: a connection of its own, which BullMQ does not close for us.
  const eventsConnection = workerConnection(env.REDIS_URL);
  const prefix = bullPrefix(env.REDIS_PREFIX);
  const flow = new FlowProducer({ connection, prefix });
  const queue = new Queue(QUEUES.reports, queueOptions(connection, env.REDIS_PREFIX));
  const events = new QueueEvents(QUEUES.reports, { connection: eventsConnection, prefix });
  try {
    const started = Date.now();
    const { parentId } = await enqueueMonthlyReports(db, flow, month);
    console.log(`Queued ${departments} department reports for ${month}; waiting for the worker…`);
    const job = await Job.fromId(queue, parentId);
    if (!job) throw new Error(`Job ${parentId} vanished`);
    // A month whose flow already ran answers at once: its jobs keep their ids for a week.
    const result = await job.waitUntilFinished(events, 30 * 60_000);
    console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(result)}`);
  } finally {
    await events.close();
    await queue.close();
    await flow.close();
    eventsConnection.disconnect();
    connection.disconnect();
  }
}

/** Builds the reports in this process, one department after another, then the summary. */
async function here(
  env: Env,
  db: Db,
  month: string,
  departments: { id: number; code: string }[],
  oneDepartment: boolean,
): Promise<void> {
  const deps = { db, piiKey: env.PII_KEY };
  for (const d of departments) {
    const { reportId } = await runDepartmentReport(deps, { departmentId: d.id, month });
    const row = await db
      .selectFrom("monthly_reports")
      .select("data")
      .where("id", "=", reportId)
      .executeTakeFirstOrThrow();
    console.log(line(d.code, reportId, JSON.parse(row.data) as DepartmentReport));
  }
  if (!oneDepartment) {
    const summary = await runGovernmentSummary(deps, { month });
    console.log(
      `Government summary ${month}: ${summary.reported} of ${summary.departments} departments reported.`,
    );
  } else if (await getGovernmentSummary(db, month)) {
    // One department rebuilt: the month's summary (if there is one) follows it, without e-mail.
    await saveGovernmentSummary(db, month);
    console.log(`Government summary ${month} rebuilt.`);
  }
}
