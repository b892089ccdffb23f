/**
 * `npx tsx scripts/report.ts --month 2026-10 [--department IMMD]`: generates (or rebuilds in place)
 * the monthly management reports of a month, for every department or one, and prints a line each.
 */
import { parseArgs } from "node:util";
import { generateDepartmentReport } from "../app/models/report.server";
import { loadEnv } from "../app/utils/env.server";
import { createDb } from "../db/client";
import { migrateToLatest } from "../db/migrate";

const { values } = parseArgs({
  options: { month: { type: "string" }, department: { type: "string" } },
});
const month = values.month ?? "";
if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
  console.error("Usage: npx tsx scripts/report.ts --month YYYY-MM [--department CODE]");
  process.exit(2);
}

const db = createDb(loadEnv().DATABASE_URL);
try {
  await migrateToLatest(db);
  let q = db.selectFrom("departments").select(["id", "code"]).orderBy("code");
  if (values.department) q = q.where("code", "=", values.department.toUpperCase());
  const departments = await q.execute();
  if (departments.length === 0) {
    console.error(`No department ${values.department}.`);
    process.exitCode = 1;
  }
  for (const d of departments) {
    const { id, report: r } = await generateDepartmentReport(db, d.id, month);
    const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 1000) / 10}%`);
    const sat = r.surveys.perSurvey.map((s) => `${s.slug} ${pct(s.share)}`).join(", ");
    console.log(
      `${d.code} ${month} report #${id}: ${r.surveys.responses.count} responses (satisfied: ${sat || "—"}); ` +
        `${r.feedback.total.count} feedback; complaints ${r.complaints.received.count} received, ` +
        `${r.complaints.closed.count} closed (${r.complaints.closedWithinPledge.count} in time), ` +
        `${r.complaints.overdue.count} overdue; pledges ${r.pledges.met} met, ${r.pledges.notMet} not met, ` +
        `${r.pledges.insufficient} not enough data; ${r.importantFeedback.length} important feedback.`,
    );
  }
} finally {
  await db.destroy();
}
