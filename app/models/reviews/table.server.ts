import type { Db } from "../../../db/client";
import { hkMonthRange } from "../reports/months";
import { computeEvidence, lastDay } from "./evidence.server";
import { agrees, evidenceHref } from "./evidence-links";
import { REVIEW_QUESTIONS, type ReviewQuestionKey } from "./questions";
import { readAnswers } from "./schema";
import type {
  ReviewCell,
  ReviewDepartmentRow,
  ReviewFigure,
  ReviewPledgeFigure,
  ReviewTable,
} from "./table-types";

/*
 * The review's table for a round (issue 16): the paper's figures as shares of departments, declared
 * (submitted returns) beside evidenced (the product's data), per-department rows, the period's
 * targets met and the pledges changed, improved, retired and new. A fixed number of grouped
 * queries whatever the number of departments (the demo government: hundreds, in well under 1 s).
 */

const mean = (xs: number[]) =>
  xs.length ? Math.round((10 * xs.reduce((a, b) => a + b, 0)) / xs.length) / 10 : 0;

/** Builds the table for a round (check it exists first, with getRound: a missing round throws). */
export async function buildReviewTable(db: Db, roundId: number): Promise<ReviewTable> {
  const round = await db
    .selectFrom("review_rounds")
    .selectAll()
    .where("id", "=", roundId)
    .executeTakeFirstOrThrow(() => new Error(`review round ${roundId} not found`));
  const from = round.period_from;
  const to = round.period_to;
  const startIso = hkMonthRange(from).from;
  const endIso = hkMonthRange(to).to;
  const startDate = `${from}-01`;
  const endDate = lastDay(to);

  const departments = await db
    .selectFrom("departments")
    .select(["id", "code", "name_en", "name_zh"])
    .where("is_active", "=", 1)
    .orderBy("code")
    .execute();
  const [returns, evidence, results, pledges, versions] = await Promise.all([
    db.selectFrom("review_returns").selectAll().where("round_id", "=", roundId).execute(),
    computeEvidence(
      db,
      round,
      departments.map((d) => d.id),
    ),
    db
      .selectFrom("pledge_results")
      .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
      .where("month", ">=", from)
      .where("month", "<=", to)
      .groupBy("status")
      .execute(),
    // Pledges in force at some time in the period: published (or since retired), with a version in
    // effect before the period's end, and not retired before its start. The version's date, not
    // published_at: a registry loaded today carries pledges in force for years.
    db
      .selectFrom("pledges")
      .select(["id", "retired_at"])
      .where("status", "in", ["published", "retired"])
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("pledge_versions as v")
            .select("v.id")
            .whereRef("v.pledge_id", "=", "pledges.id")
            .where("v.effective_from", "<=", endDate),
        ),
      )
      .where((eb) => eb.or([eb("retired_at", "is", null), eb("retired_at", ">=", startIso)]))
      .execute(),
    db
      .selectFrom("pledge_versions")
      .select(["pledge_id", "version_no", "change_reason"])
      .where("effective_from", ">=", startDate)
      .where("effective_from", "<=", endDate)
      .execute(),
  ]);

  const returnOf = new Map(returns.map((r) => [r.department_id, r]));
  const rows: ReviewDepartmentRow[] = departments.map((d) => {
    const ret = returnOf.get(d.id);
    const answers = ret ? readAnswers(ret.answers) : {};
    const ev = evidence.get(d.id);
    const cells = {} as Record<ReviewQuestionKey, ReviewCell>;
    for (const q of REVIEW_QUESTIONS) {
      const declared = answers[q.key]?.value ?? null;
      const e = q.evidence && ev ? ((ev as Record<string, boolean | number | null>)[q.key] ?? null) : null;
      cells[q.key] = {
        declared,
        evidence: e,
        agrees: agrees(declared, e),
        note: answers[q.key]?.note ?? "",
        evidenceHref: q.evidence ? evidenceHref(q.key, d.code, "central") : null,
      };
    }
    return {
      departmentId: d.id,
      code: d.code,
      nameEn: d.name_en,
      nameZh: d.name_zh,
      returnStatus: ret?.status ?? "none",
      isLate: ret?.is_late === 1,
      submittedAt: ret?.submitted_at ?? null,
      cells,
    };
  });

  // Declared figures count submitted returns only: a draft or a return sent back is not an answer yet.
  const submitted = rows.filter((r) => r.returnStatus === "submitted");
  const figures: ReviewFigure[] = REVIEW_QUESTIONS.map((q) => {
    const declared = submitted.map((r) => r.cells[q.key].declared).filter((v) => v !== null);
    const evidenced = q.evidence ? rows.map((r) => r.cells[q.key].evidence).filter((v) => v !== null) : [];
    const isShare = q.kind === "share";
    return {
      key: q.key,
      declaredYes: isShare ? mean(declared as number[]) : declared.filter((v) => v === true).length,
      declaredOf: declared.length,
      evidencedYes: !q.evidence
        ? null
        : isShare
          ? mean(evidenced as number[])
          : evidenced.filter((v) => v === true).length,
      evidencedOf: q.evidence ? evidenced.length : null,
      paper: q.paper,
    };
  });

  const inForce = new Set(pledges.map((p) => p.id));
  const flags = { changed: new Set<number>(), improved: new Set<number>(), new: new Set<number>() };
  for (const v of versions) {
    if (!inForce.has(v.pledge_id)) continue;
    if (v.version_no === 1) flags.new.add(v.pledge_id);
    else flags.changed.add(v.pledge_id);
    if (v.change_reason === "strengthened") flags.improved.add(v.pledge_id);
  }
  const retired = pledges.filter((p) => p.retired_at !== null && p.retired_at < endIso).length;
  const of = inForce.size;
  const pledgeFigures: ReviewPledgeFigure[] = [
    // The paper (shared/domain.md): over three years more than 30% of pledges changed: 20% to
    // reflect improved service, 3% retired as obsolete, 8% new services.
    { key: "changed", count: flags.changed.size, of, paper: 30 },
    { key: "improved", count: flags.improved.size, of, paper: 20 },
    { key: "retired", count: retired, of, paper: 3 },
    { key: "new", count: flags.new.size, of, paper: 8 },
  ];

  const byStatus = new Map(results.map((r) => [r.status, Number(r.n)]));
  const met = byStatus.get("met") ?? 0;
  const notMet = byStatus.get("not_met") ?? 0;
  const insufficient = byStatus.get("insufficient") ?? 0;
  return {
    round: {
      id: round.id,
      periodFrom: from,
      periodTo: to,
      deadline: round.deadline,
      status: round.status,
    },
    figures,
    pledgeFigures,
    departments: rows,
    targetsMet: { results: met + notMet + insufficient, met, notMet, insufficient },
  };
}
