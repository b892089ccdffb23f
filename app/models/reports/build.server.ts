import { sql } from "kysely";
import type { Db } from "../../../db/client";
import type { AppealOutcome, FeedbackChannel, FeedbackKind, ResponseChannel } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { shiftMonth } from "../calendar/periods";
import { hkDate, nowIso } from "../calendar/time";
import { NO_DEADLINE_STATUSES } from "../cases/lifecycle";
import { listPledges } from "../pledges/registry.server";
import { pledgeResults, type ResultStatus } from "../pledges/results.server";
import type { Role } from "../staff/schema";
import type { ResponseLanguage } from "../surveys/schema";

/*
 * The department's monthly management report (the paper, §6: "feedback is stored in a computer
 * system that senior staff can reach, and monthly reports analyse it"). Built from SQL GROUP BYs on
 * the stored month buckets (shared/performance.md, lesson 2), stored as JSON per department and
 * month, then read and acknowledged by its managers. No personal data: no complainant's name or
 * contact, no case text; staff-written feedback summaries and citizens' anonymous survey comments only.
 */

/** Who reads reports: a department's managers and administrators (theirs), the central reviewer (all). */
export const REPORT_ROLES = [
  "manager",
  "department_admin",
  "central_reviewer",
] as const satisfies readonly Role[];
/** Whose reading counts as "read by management" (the paper: assistant director or above). */
const MANAGEMENT_ROLE = "manager";
/** Bumped when the shape of DepartmentReport changes; old stored reports are rebuilt by the script. */
export const REPORT_VERSION = 1;
export const SAMPLE_COMMENTS = 10;
/** Months in a trend, ending with the report's month. */
export const TREND_MONTHS = 12;

export interface Share {
  /** top-two-box ratings (4 or 5) */
  satisfied: number;
  /** ratings given (not applicable left out) */
  rated: number;
  /** satisfied / rated, 0–1; null when nobody rated */
  share: number | null;
}

export interface TrendPoint extends Share {
  month: string;
  responses: number;
}

export interface Satisfaction extends Share {
  /** share the month before, and the change in percentage points (null when either is missing) */
  previousShare: number | null;
  change: number | null;
  trend: TrendPoint[];
}

export interface SurveySatisfaction extends Satisfaction {
  surveyId: number;
  slug: string;
  titleEn: string;
  titleZh: string;
  serviceId: number | null;
  /** the question followed: "overall", else the first five-point rating; null when it has none */
  questionKey: string | null;
  promptEn: string | null;
  promptZh: string | null;
  responses: number;
  href: string;
}

export interface ServiceSatisfaction extends Satisfaction {
  /** null: surveys about the department as a whole */
  serviceId: number | null;
  nameEn: string | null;
  nameZh: string | null;
  surveyIds: number[];
}

export interface CountLink {
  count: number;
  href: string;
}

export interface DepartmentReport {
  version: number;
  month: string;
  months: string[];
  generatedAt: string;
  /** "now" for figures that are a state rather than a month's flow (overdue cases): HK date */
  asOf: string;
  department: { id: number; code: string; nameEn: string; nameZh: string };
  surveys: {
    responses: CountLink;
    byChannel: ({ channel: ResponseChannel } & CountLink)[];
    byCollectionPoint: ({
      surveyId: number;
      pointId: number | null;
      code: string | null;
      nameEn: string | null;
      nameZh: string | null;
      channel: ResponseChannel;
    } & CountLink)[];
    perSurvey: SurveySatisfaction[];
    perService: ServiceSatisfaction[];
  };
  feedback: {
    total: CountLink;
    byKind: ({ kind: FeedbackKind } & CountLink)[];
    byChannel: ({ channel: FeedbackChannel } & CountLink)[];
    byKindAndChannel: ({ kind: FeedbackKind; channel: FeedbackChannel } & CountLink)[];
    comments: {
      source: "survey" | "feedback";
      text: string;
      language: ResponseLanguage;
      at: string;
      kind: FeedbackKind | null;
      href: string;
    }[];
  };
  complaints: {
    received: CountLink;
    closed: CountLink;
    overdue: CountLink;
    /** of the cases closed in the month: acknowledged in time, replied in time, both */
    ackMet: number;
    replyMet: number;
    closedWithinPledge: CountLink;
    appeals: {
      lodged: CountLink;
      decided: CountLink;
      decidedInTime: number;
      outcomes: Record<AppealOutcome, number>;
    };
  };
  pledges: {
    met: number;
    notMet: number;
    insufficient: number;
    items: {
      pledgeId: number;
      code: string;
      statementEn: string;
      statementZh: string;
      serviceEn: string;
      serviceZh: string;
      target: number;
      achieved: number | null;
      sample: number;
      status: ResultStatus;
      /** for a missed target: the progress note for the month, or null ("none recorded": an action item) */
      unmet: { reason: string; correctiveProposal: string; recordedAt: string } | null;
      href: string;
    }[];
  };
  importantFeedback: {
    feedbackId: number;
    kind: FeedbackKind;
    channel: FeedbackChannel;
    summary: string;
    language: ResponseLanguage;
    loggedAt: string;
    notifiedAt: string;
    href: string;
  }[];
}

const num = (v: unknown) => Number(v ?? 0);
const shareOf = (satisfied: number, rated: number): Share => ({
  satisfied,
  rated,
  share: rated > 0 ? satisfied / rated : null,
});

/** UTC instants bounding a Hong Kong month: [from, to), for ISO timestamps stored in UTC. */
export function hkMonthRange(month: string): { from: string; to: string } {
  const iso = (m: string) => new Date(Date.parse(`${m}-01T00:00:00+08:00`)).toISOString();
  return { from: iso(month), to: iso(shiftMonth(month, -1)) };
}

/** The twelve months ending with `month`, oldest first. */
export function trendMonths(month: string): string[] {
  return Array.from({ length: TREND_MONTHS }, (_, i) => shiftMonth(month, TREND_MONTHS - 1 - i));
}

const surveyHref = (id: number, month: string, extra: Record<string, string> = {}) =>
  `/staff/surveys/${id}/results?${new URLSearchParams({ from: month, to: month, ...extra })}`;

function satisfaction(byMonth: Map<string, TrendPoint>, months: string[]): Satisfaction {
  const trend = months.map(
    (m) => byMonth.get(m) ?? { month: m, responses: 0, satisfied: 0, rated: 0, share: null },
  );
  const cur = trend.at(-1)!;
  const prev = trend.at(-2) ?? null;
  const previousShare = prev?.share ?? null;
  return {
    satisfied: cur.satisfied,
    rated: cur.rated,
    share: cur.share,
    previousShare,
    change:
      cur.share !== null && previousShare !== null
        ? Math.round((cur.share - previousShare) * 1000) / 10
        : null,
    trend,
  };
}

async function surveySection(db: Db, departmentId: number, month: string, months: string[]) {
  const first = months[0]!;
  const surveys = await db
    .selectFrom("surveys as s")
    .leftJoin("survey_versions as v", "v.id", "s.current_version_id")
    .select([
      "s.id",
      "s.slug",
      "s.status",
      "s.service_id",
      "s.current_version_id",
      "v.title_en",
      "v.title_zh",
    ])
    .where("s.department_id", "=", departmentId)
    .where("s.status", "!=", "draft")
    .orderBy("s.id")
    .execute();
  // A published survey always has a current version; one without is broken data that a report
  // must not paper over (the job fails for this department alone, with this message).
  const broken = surveys.find((s) => s.status === "published" && s.current_version_id == null);
  if (broken) throw new Error(`Survey ${broken.slug} is published but has no current version`);
  const versionIds = surveys.map((s) => s.current_version_id).filter((v): v is number => v != null);
  const [questions, responsesByMonth, byChannel, byPoint] = await Promise.all([
    versionIds.length
      ? db
          .selectFrom("survey_questions")
          .select(["version_id", "question_key", "prompt_en", "prompt_zh", "position"])
          .where("version_id", "in", versionIds)
          .where("type", "=", "rating5")
          .orderBy("version_id")
          .orderBy("position")
          .execute()
      : Promise.resolve([]),
    // The (department_id, month, channel) index: one range read for the year.
    db
      .selectFrom("survey_responses")
      .select((eb) => ["survey_id", "month", eb.fn.countAll().as("n")])
      .where("department_id", "=", departmentId)
      .where("month", ">=", first)
      .where("month", "<=", month)
      .groupBy(["survey_id", "month"])
      .execute(),
    db
      .selectFrom("survey_responses")
      .select((eb) => ["survey_id", "channel", eb.fn.countAll().as("n")])
      .where("department_id", "=", departmentId)
      .where("month", "=", month)
      .groupBy(["survey_id", "channel"])
      .execute(),
    db
      .selectFrom("survey_responses as r")
      .leftJoin("collection_points as p", "p.id", "r.collection_point_id")
      .select((eb) => [
        "r.survey_id",
        "r.collection_point_id",
        "r.channel",
        "p.code",
        "p.name_en",
        "p.name_zh",
        eb.fn.countAll().as("n"),
      ])
      .where("r.department_id", "=", departmentId)
      .where("r.month", "=", month)
      .groupBy(["r.survey_id", "r.collection_point_id", "r.channel", "p.code", "p.name_en", "p.name_zh"])
      .execute(),
  ]);

  const perSurvey: SurveySatisfaction[] = [];
  const countsOf = new Map<number, Map<string, TrendPoint>>();
  for (const s of surveys) {
    const qs = questions.filter((q) => q.version_id === s.current_version_id);
    const q = qs.find((x) => x.question_key === "overall") ?? qs[0] ?? null;
    const byMonth = new Map<string, TrendPoint>();
    for (const r of responsesByMonth.filter((x) => x.survey_id === s.id)) {
      byMonth.set(r.month, { month: r.month, responses: num(r.n), satisfied: 0, rated: 0, share: null });
    }
    if (q) {
      // The (survey_id, question_key, month, value_number) results index: a GROUP BY as it scans.
      const rows = await db
        .selectFrom("survey_answers")
        .select((eb) => [
          "month",
          eb.fn.countAll().as("rated"),
          sql<number>`sum(case when value_number >= 4 then 1 else 0 end)`.as("satisfied"),
        ])
        .where("survey_id", "=", s.id)
        .where("question_key", "=", q.question_key)
        .where("month", ">=", first)
        .where("month", "<=", month)
        .where("value_number", "is not", null)
        .groupBy("month")
        .execute();
      for (const r of rows) {
        const p = byMonth.get(r.month) ?? {
          month: r.month,
          responses: 0,
          satisfied: 0,
          rated: 0,
          share: null,
        };
        Object.assign(p, shareOf(num(r.satisfied), num(r.rated)));
        byMonth.set(r.month, p);
      }
    }
    const total = [...byMonth.values()].reduce((a, p) => a + p.responses, 0);
    if (s.status !== "published" && total === 0) continue;
    countsOf.set(s.id, byMonth);
    perSurvey.push({
      surveyId: s.id,
      slug: s.slug,
      titleEn: s.title_en ?? s.slug,
      titleZh: s.title_zh ?? s.slug,
      serviceId: s.service_id,
      questionKey: q?.question_key ?? null,
      promptEn: q?.prompt_en ?? null,
      promptZh: q?.prompt_zh ?? null,
      responses: byMonth.get(month)?.responses ?? 0,
      href: surveyHref(s.id, month),
      ...satisfaction(byMonth, months),
    });
  }

  // Per service: the surveys about it added up (ratings, not shares).
  const serviceIds = [...new Set(perSurvey.map((s) => s.serviceId).filter((v): v is number => v != null))];
  const services = serviceIds.length
    ? await db
        .selectFrom("services")
        .select(["id", "name_en", "name_zh"])
        .where("id", "in", serviceIds)
        .execute()
    : [];
  const perService: ServiceSatisfaction[] = [];
  for (const serviceId of [...serviceIds.sort((a, b) => a - b), null]) {
    const of = perSurvey.filter((s) => s.serviceId === serviceId);
    if (of.length === 0) continue;
    const byMonth = new Map<string, TrendPoint>();
    for (const m of months) {
      let responses = 0;
      let satisfied = 0;
      let rated = 0;
      for (const s of of) {
        const p = countsOf.get(s.surveyId)?.get(m);
        responses += p?.responses ?? 0;
        satisfied += p?.satisfied ?? 0;
        rated += p?.rated ?? 0;
      }
      byMonth.set(m, { month: m, responses, ...shareOf(satisfied, rated) });
    }
    const svc = services.find((x) => x.id === serviceId);
    perService.push({
      serviceId,
      nameEn: svc?.name_en ?? null,
      nameZh: svc?.name_zh ?? null,
      surveyIds: of.map((s) => s.surveyId),
      ...satisfaction(byMonth, months),
    });
  }

  const channels = new Map<ResponseChannel, { count: number; surveys: Set<number> }>();
  for (const r of byChannel) {
    const c = channels.get(r.channel) ?? { count: 0, surveys: new Set<number>() };
    c.count += num(r.n);
    c.surveys.add(r.survey_id);
    channels.set(r.channel, c);
  }
  const responses = perSurvey.reduce((a, s) => a + s.responses, 0);
  const only = (ids: Set<number>) => (ids.size === 1 ? [...ids][0]! : null);
  const all = new Set(perSurvey.filter((s) => s.responses > 0).map((s) => s.surveyId));
  return {
    responses: {
      count: responses,
      href: only(all) !== null ? surveyHref(only(all)!, month) : "/staff/surveys",
    },
    byChannel: [...channels]
      .map(([channel, c]) => ({
        channel,
        count: c.count,
        // One survey: its results for the channel; several: the list of surveys.
        href: only(c.surveys) !== null ? surveyHref(only(c.surveys)!, month, { channel }) : "/staff/surveys",
      }))
      .sort((a, b) => b.count - a.count || a.channel.localeCompare(b.channel)),
    byCollectionPoint: byPoint
      .map((r) => ({
        surveyId: r.survey_id,
        pointId: r.collection_point_id,
        code: r.code ?? null,
        nameEn: r.name_en ?? null,
        nameZh: r.name_zh ?? null,
        channel: r.channel,
        count: num(r.n),
        href:
          r.collection_point_id != null
            ? surveyHref(r.survey_id, month, { point: String(r.collection_point_id) })
            : surveyHref(r.survey_id, month, { channel: r.channel }),
      }))
      .sort((a, b) => b.count - a.count || (a.code ?? "").localeCompare(b.code ?? "")),
    perSurvey,
    perService,
  };
}

async function feedbackSection(
  db: Db,
  departmentId: number,
  month: string,
  surveyIds: number[],
): Promise<DepartmentReport["feedback"]> {
  const [groups, entries, comments] = await Promise.all([
    db
      .selectFrom("feedback_entries")
      .select((eb) => ["kind", "channel", eb.fn.countAll().as("n")])
      .where("department_id", "=", departmentId)
      .where("month", "=", month)
      .groupBy(["kind", "channel"])
      .execute(),
    db
      .selectFrom("feedback_entries")
      .select(["id", "kind", "summary", "language", "logged_at"])
      .where("department_id", "=", departmentId)
      .where("month", "=", month)
      .orderBy("logged_at", "desc")
      .orderBy("id", "desc")
      .limit(SAMPLE_COMMENTS)
      .execute(),
    surveyIds.length
      ? db
          .selectFrom("survey_answers as a")
          .innerJoin("survey_responses as r", "r.id", "a.response_id")
          .select(["a.id", "a.survey_id", "a.value_text", "a.language", "r.submitted_at"])
          .where("a.survey_id", "in", surveyIds)
          .where("a.month", "=", month)
          .where("a.value_text", "is not", null)
          // The newest answers first (ids grow with arrival): read backwards along the partial
          // index on answers with text (migration 2200), with no sort over the month.
          .orderBy("a.id", "desc")
          .limit(SAMPLE_COMMENTS)
          .execute()
      : Promise.resolve([]),
  ]);
  const byKind = new Map<FeedbackKind, number>();
  const byChannel = new Map<FeedbackChannel, number>();
  for (const g of groups) {
    byKind.set(g.kind, (byKind.get(g.kind) ?? 0) + num(g.n));
    byChannel.set(g.channel, (byChannel.get(g.channel) ?? 0) + num(g.n));
  }
  const link = (p: Record<string, string>) =>
    `/staff/feedback${Object.keys(p).length ? `?${new URLSearchParams(p)}` : ""}`;
  const desc = <T extends { count: number }>(list: T[], key: (x: T) => string) =>
    list.sort((a, b) => b.count - a.count || key(a).localeCompare(key(b)));
  // Half the sample from each source, the rest from whichever has more.
  const half = SAMPLE_COMMENTS / 2;
  const fromSurveys = comments.slice(0, Math.max(half, SAMPLE_COMMENTS - entries.length));
  const fromFeedback = entries.slice(0, SAMPLE_COMMENTS - fromSurveys.length);
  return {
    total: { count: [...byKind.values()].reduce((a, b) => a + b, 0), href: link({}) },
    byKind: desc(
      [...byKind].map(([kind, count]) => ({ kind, count, href: link({ fk: kind }) })),
      (x) => x.kind,
    ),
    byChannel: desc(
      [...byChannel].map(([channel, count]) => ({ channel, count, href: link({ fc: channel }) })),
      (x) => x.channel,
    ),
    byKindAndChannel: desc(
      groups.map((g) => ({
        kind: g.kind,
        channel: g.channel,
        count: num(g.n),
        href: link({ fk: g.kind, fc: g.channel }),
      })),
      (x) => `${x.kind}/${x.channel}`,
    ),
    comments: [
      ...fromSurveys.map((c) => ({
        source: "survey" as const,
        text: c.value_text ?? "",
        language: c.language,
        at: c.submitted_at,
        kind: null,
        href: surveyHref(c.survey_id, month),
      })),
      ...fromFeedback.map((e) => ({
        source: "feedback" as const,
        text: e.summary,
        language: e.language,
        at: e.logged_at,
        kind: e.kind,
        href: link({ fk: e.kind }),
      })),
    ].sort((a, b) => b.at.localeCompare(a.at)),
  };
}

async function complaintSection(
  db: Db,
  departmentId: number,
  month: string,
  today: string,
): Promise<DepartmentReport["complaints"]> {
  const { from, to } = hkMonthRange(month);
  const [received, closed, overdue, lodged, decided] = await Promise.all([
    db
      .selectFrom("cases")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("department_id", "=", departmentId)
      .where("month", "=", month)
      .executeTakeFirst(),
    db
      .selectFrom("cases")
      .select((eb) => [
        eb.fn.countAll().as("n"),
        sql<number>`sum(case when ack_met = 1 then 1 else 0 end)`.as("ack"),
        sql<number>`sum(case when reply_met = 1 then 1 else 0 end)`.as("reply"),
        sql<number>`sum(case when ack_met = 1 and reply_met = 1 then 1 else 0 end)`.as("both"),
      ])
      .where("department_id", "=", departmentId)
      .where("status", "=", "closed")
      .where("closed_at", ">=", from)
      .where("closed_at", "<", to)
      .executeTakeFirst(),
    // The same test as the queue's "overdue" tab and flagOverdueCases: a pending step past its date.
    db
      .selectFrom("cases")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("department_id", "=", departmentId)
      .where("status", "not in", NO_DEADLINE_STATUSES)
      .where((eb) =>
        eb.or([
          eb.and([eb("acknowledged_at", "is", null), eb("ack_due", "<", today)]),
          eb.and([eb("replied_at", "is", null), eb("reply_due", "<", today)]),
        ]),
      )
      .executeTakeFirst(),
    db
      .selectFrom("appeals as a")
      .innerJoin("cases as c", "c.id", "a.case_id")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("c.department_id", "=", departmentId)
      .where("a.lodged_at", ">=", from)
      .where("a.lodged_at", "<", to)
      .executeTakeFirst(),
    db
      .selectFrom("appeals as a")
      .innerJoin("cases as c", "c.id", "a.case_id")
      .select((eb) => [
        "a.outcome",
        eb.fn.countAll().as("n"),
        sql<number>`sum(case when a.met = 1 then 1 else 0 end)`.as("met"),
      ])
      .where("c.department_id", "=", departmentId)
      .where("a.decided_at", ">=", from)
      .where("a.decided_at", "<", to)
      .groupBy("a.outcome")
      .execute(),
  ]);
  const outcomes: Record<AppealOutcome, number> = { upheld: 0, partly_upheld: 0, not_upheld: 0 };
  for (const d of decided) if (d.outcome) outcomes[d.outcome] += num(d.n);
  // There is no appeal list of its own: appeals are read on their cases.
  return {
    received: { count: num(received?.n), href: "/staff/cases?tab=open" },
    closed: { count: num(closed?.n), href: "/staff/cases?tab=closed" },
    overdue: { count: num(overdue?.n), href: "/staff/cases?tab=overdue" },
    ackMet: num(closed?.ack),
    replyMet: num(closed?.reply),
    closedWithinPledge: { count: num(closed?.both), href: "/staff/cases?tab=closed" },
    appeals: {
      lodged: { count: num(lodged?.n), href: "/staff/cases?tab=open" },
      decided: { count: decided.reduce((a, d) => a + num(d.n), 0), href: "/staff/cases?tab=closed" },
      decidedInTime: decided.reduce((a, d) => a + num(d.met), 0),
      outcomes,
    },
  };
}

async function pledgeSection(
  db: Db,
  departmentId: number,
  month: string,
): Promise<DepartmentReport["pledges"]> {
  const pledges = await listPledges(db, { departmentId, statuses: ["published"] });
  const notes = pledges.length
    ? await db
        .selectFrom("pledge_unmet_notes")
        .select(["pledge_id", "reason", "corrective_proposal", "recorded_at", "id"])
        .where(
          "pledge_id",
          "in",
          pledges.map((p) => p.id),
        )
        .where("period", "=", month)
        .orderBy("id", "desc")
        .execute()
    : [];
  const items: DepartmentReport["pledges"]["items"] = [];
  for (const p of pledges) {
    const [r] = await pledgeResults(db, p, [month]);
    if (!r) continue;
    const note = r.status === "not_met" ? notes.find((n) => n.pledge_id === p.id) : undefined;
    items.push({
      pledgeId: p.id,
      code: p.code,
      statementEn: p.version.statement_en,
      statementZh: p.version.statement_zh,
      serviceEn: p.service_en,
      serviceZh: p.service_zh,
      target: r.target,
      achieved: r.achieved,
      sample: r.sample,
      status: r.status,
      unmet: note
        ? { reason: note.reason, correctiveProposal: note.corrective_proposal, recordedAt: note.recorded_at }
        : null,
      href: `/admin/pledges/${p.id}`,
    });
  }
  const count = (s: ResultStatus) => items.filter((i) => i.status === s).length;
  return { met: count("met"), notMet: count("not_met"), insufficient: count("insufficient"), items };
}

async function importantSection(
  db: Db,
  departmentId: number,
  month: string,
): Promise<DepartmentReport["importantFeedback"]> {
  const rows = await db
    .selectFrom("notifications as n")
    .innerJoin("feedback_entries as f", "f.id", "n.entity_id")
    .select(["f.id", "f.kind", "f.channel", "f.summary", "f.language", "f.logged_at", "n.created_at"])
    .where("n.department_id", "=", departmentId)
    .where("n.kind", "=", "important_feedback")
    .where("n.entity_type", "=", "feedback")
    .where("f.department_id", "=", departmentId)
    .where("f.month", "=", month)
    .orderBy("f.logged_at", "desc")
    .orderBy("f.id", "desc")
    .execute();
  return rows.map((r) => ({
    feedbackId: r.id,
    kind: r.kind,
    channel: r.channel,
    summary: r.summary,
    language: r.language,
    loggedAt: r.logged_at,
    notifiedAt: r.created_at,
    href: "/staff/feedback?fi=1",
  }));
}

/** A department's report for a month, computed now (nothing is stored). */
export async function buildDepartmentReport(
  db: Db,
  departmentId: number,
  month: string,
  now: Date = new Date(),
): Promise<DepartmentReport> {
  const dept = await db
    .selectFrom("departments")
    .select(["id", "code", "name_en", "name_zh"])
    .where("id", "=", departmentId)
    .executeTakeFirstOrThrow();
  const months = trendMonths(month);
  const surveys = await surveySection(db, departmentId, month, months);
  const [feedback, complaints, pledges, importantFeedback] = await Promise.all([
    feedbackSection(
      db,
      departmentId,
      month,
      surveys.perSurvey.map((s) => s.surveyId),
    ),
    complaintSection(db, departmentId, month, hkDate(now)),
    pledgeSection(db, departmentId, month),
    importantSection(db, departmentId, month),
  ]);
  return {
    version: REPORT_VERSION,
    month,
    months,
    generatedAt: nowIso(now),
    asOf: hkDate(now),
    department: { id: dept.id, code: dept.code, nameEn: dept.name_en, nameZh: dept.name_zh },
    surveys,
    feedback,
    complaints,
    pledges,
    importantFeedback,
  };
}

/**
 * Builds and stores a department's report for a month. Idempotent: run again, the same row
 * (same id, so its reads stay) gets the new figures and generated_at.
 */
export async function generateDepartmentReport(
  db: Db,
  departmentId: number,
  month: string,
  now: Date = new Date(),
  /** runs in the same transaction as the upsert: e.g. the managers' e-mail digest in the outbox */
  alsoInTransaction?: (trx: Db, reportId: number, report: DepartmentReport) => Promise<void>,
): Promise<{ id: number; report: DepartmentReport }> {
  const report = await buildDepartmentReport(db, departmentId, month, now);
  const data = JSON.stringify(report);
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("monthly_reports")
      .values({ department_id: departmentId, month, data, generated_at: report.generatedAt })
      .onConflict((oc) =>
        oc.columns(["department_id", "month"]).doUpdateSet({ data, generated_at: report.generatedAt }),
      )
      .returning("id")
      .executeTakeFirstOrThrow();
    await alsoInTransaction?.(trx, num(row.id), report);
    return num(row.id);
  });
  return { id, report };
}

// ---- The government's view ----

export interface GovernmentSummary {
  month: string;
  departments: number;
  /** departments whose report for the month exists */
  reported: number;
  /** … and was read by at least one of the department's managers */
  readByManagement: number;
  readShare: number | null;
  targets: { met: number; judged: number; share: number | null };
  /** departments with missed targets, most first */
  mostUnmet: { code: string; nameEn: string; nameZh: string; count: number }[];
  /** departments with overdue cases now, most first */
  mostOverdue: { code: string; nameEn: string; nameZh: string; count: number }[];
}

/** A month's stored reports, each with whether one of its department's managers has read it. */
function reportsOfMonth(db: Db, month: string) {
  return db
    .selectFrom("monthly_reports as m")
    .select((eb) => [
      "m.department_id",
      eb
        .exists(
          eb
            .selectFrom("report_reads as rr")
            .innerJoin("staff_users as u", "u.id", "rr.user_id")
            .select("rr.user_id")
            .whereRef("rr.report_id", "=", "m.id")
            .whereRef("u.department_id", "=", "m.department_id")
            .where("u.role", "=", MANAGEMENT_ROLE),
        )
        .as("read"),
    ])
    .where("m.month", "=", month)
    .execute();
}

/** How the whole government routes feedback to management in a month (the paper: 94% do). */
export async function buildGovernmentSummary(
  db: Db,
  month: string,
  now: Date = new Date(),
  top = 5,
): Promise<GovernmentSummary> {
  const today = hkDate(now);
  const [departments, reports, pledges, overdue] = await Promise.all([
    db.selectFrom("departments").select(["id", "code", "name_en", "name_zh"]).orderBy("code").execute(),
    reportsOfMonth(db, month),
    listPledges(db, { statuses: ["published"] }),
    db
      .selectFrom("cases")
      .select((eb) => ["department_id", eb.fn.countAll().as("n")])
      .where("status", "not in", NO_DEADLINE_STATUSES)
      .where((eb) =>
        eb.or([
          eb.and([eb("acknowledged_at", "is", null), eb("ack_due", "<", today)]),
          eb.and([eb("replied_at", "is", null), eb("reply_due", "<", today)]),
        ]),
      )
      .groupBy("department_id")
      .execute(),
  ]);
  let met = 0;
  let judged = 0;
  const unmet = new Map<number, number>();
  for (const p of pledges) {
    const [r] = await pledgeResults(db, p, [month]);
    if (!r || r.status === "insufficient") continue;
    judged++;
    if (r.status === "met") met++;
    else unmet.set(p.department_id, (unmet.get(p.department_id) ?? 0) + 1);
  }
  const readByManagement = reports.filter((r) => Boolean(Number(r.read))).length;
  const ranked = (counts: Map<number, number>) =>
    departments
      .map((d) => ({ code: d.code, nameEn: d.name_en, nameZh: d.name_zh, count: counts.get(d.id) ?? 0 }))
      .filter((d) => d.count > 0)
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
      .slice(0, top);
  return {
    month,
    departments: departments.length,
    reported: reports.length,
    readByManagement,
    readShare: departments.length ? readByManagement / departments.length : null,
    targets: { met, judged, share: judged ? met / judged : null },
    mostUnmet: ranked(unmet),
    mostOverdue: ranked(new Map(overdue.map((o) => [o.department_id, num(o.n)]))),
  };
}

/**
 * Builds and stores the government-wide summary of a month (the parent job of the monthly fan-out
 * runs it once every department's report is done). Rebuilt in place if run again.
 */
export async function saveGovernmentSummary(
  db: Db,
  month: string,
  now: Date = new Date(),
): Promise<GovernmentSummary> {
  const summary = await buildGovernmentSummary(db, month, now);
  const data = JSON.stringify(summary);
  const at = nowIso(now);
  await db
    .insertInto("government_summaries")
    .values({ month, data, generated_at: at })
    .onConflict((oc) => oc.column("month").doUpdateSet({ data, generated_at: at }))
    .execute();
  return summary;
}

/**
 * The stored summary of a month with who has read their report since it was built: reading goes
 * on after the summary is made, so the read figures are counted now. Undefined before the run.
 */
export async function getGovernmentSummary(
  db: Db,
  month: string,
): Promise<(GovernmentSummary & { generatedAt: string }) | undefined> {
  const row = await db
    .selectFrom("government_summaries")
    .select(["data", "generated_at"])
    .where("month", "=", month)
    .executeTakeFirst();
  if (!row) return undefined;
  const stored = JSON.parse(row.data) as GovernmentSummary;
  const reports = await reportsOfMonth(db, month);
  const readByManagement = reports.filter((r) => Boolean(Number(r.read))).length;
  return {
    ...stored,
    reported: reports.length,
    readByManagement,
    readShare: stored.departments ? readByManagement / stored.departments : null,
    generatedAt: row.generated_at,
  };
}

/** Months that have a stored government summary, newest first. */
export async function listGovernmentSummaryMonths(db: Db): Promise<string[]> {
  const rows = await db.selectFrom("government_summaries").select("month").orderBy("month", "desc").execute();
  return rows.map((r) => r.month);
}

// ---- The inbox ----

export interface ReportReader {
  id: number;
  role: Role;
  departmentId: number | null;
}

const seesAll = (u: ReportReader) => u.role === "central_reviewer" || u.role === "system_admin";

export interface ReportListRow {
  id: number;
  month: string;
  departmentId: number;
  departmentCode: string;
  departmentEn: string;
  departmentZh: string;
  generatedAt: string;
  /** the reader's own state */
  readAt: string | null;
  acknowledgedAt: string | null;
  /** the first reading and acknowledgement by one of the department's managers */
  managementReadAt: string | null;
  managementAcknowledgedAt: string | null;
}

function reportQuery(db: Db, user: ReportReader) {
  let q = db
    .selectFrom("monthly_reports as m")
    .innerJoin("departments as d", "d.id", "m.department_id")
    .leftJoin("report_reads as mine", (j) =>
      j.onRef("mine.report_id", "=", "m.id").on("mine.user_id", "=", user.id),
    )
    .select((eb) => {
      const management = (col: "rr.read_at" | "rr.acknowledged_at") =>
        eb
          .selectFrom("report_reads as rr")
          .innerJoin("staff_users as u", "u.id", "rr.user_id")
          .select((e) => e.fn.min(col).as("at"))
          .whereRef("rr.report_id", "=", "m.id")
          .whereRef("u.department_id", "=", "m.department_id")
          .where("u.role", "=", MANAGEMENT_ROLE);
      return [
        "m.id",
        "m.month",
        "m.department_id",
        "m.generated_at",
        "d.code",
        "d.name_en",
        "d.name_zh",
        "mine.read_at",
        "mine.acknowledged_at",
        management("rr.read_at").as("management_read_at"),
        management("rr.acknowledged_at").as("management_acknowledged_at"),
      ];
    });
  if (!seesAll(user)) q = q.where("m.department_id", "=", user.departmentId ?? -1);
  return q;
}

type ReportRow = Awaited<ReturnType<ReturnType<typeof reportQuery>["execute"]>>[number];

const toListRow = (r: ReportRow): ReportListRow => ({
  id: num(r.id),
  month: r.month,
  departmentId: r.department_id,
  departmentCode: r.code,
  departmentEn: r.name_en,
  departmentZh: r.name_zh,
  generatedAt: r.generated_at,
  readAt: r.read_at ?? null,
  acknowledgedAt: r.acknowledged_at ?? null,
  managementReadAt: (r.management_read_at as string | null) ?? null,
  managementAcknowledgedAt: (r.management_acknowledged_at as string | null) ?? null,
});

/** The reports a reader may see, newest month first: their department's, or all for the central reviewer. */
export async function listReports(db: Db, user: ReportReader, limit = 500): Promise<ReportListRow[]> {
  const rows = await reportQuery(db, user)
    .orderBy("m.month", "desc")
    .orderBy("d.code")
    .limit(limit)
    .execute();
  return rows.map(toListRow);
}

/** One stored report with the reader's state; undefined for another department's (or none). */
export async function getReport(
  db: Db,
  id: number,
  user: ReportReader,
): Promise<(ReportListRow & { data: DepartmentReport }) | undefined> {
  const row = await reportQuery(db, user).select("m.data").where("m.id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  return { ...toListRow(row), data: JSON.parse(row.data) as DepartmentReport };
}

/** Records that a reader opened a report (the first time only). */
export async function markRead(db: Db, reportId: number, userId: number, now: Date = new Date()) {
  await db
    .insertInto("report_reads")
    .values({ report_id: reportId, user_id: userId, read_at: nowIso(now), acknowledged_at: null })
    .onConflict((oc) => oc.columns(["report_id", "user_id"]).doNothing())
    .execute();
}

/** Records that a reader acknowledged a report (reading it too); the first acknowledgement stands. */
export async function acknowledge(
  db: Db,
  reportId: number,
  userId: number,
  now: Date = new Date(),
  departmentId: number | null = null,
) {
  const at = nowIso(now);
  await recordAudit(db, {
    action: "report.acknowledge",
    actorUserId: userId,
    departmentId,
    entityType: "monthly_report",
    entityId: reportId,
  });
  await db
    .insertInto("report_reads")
    .values({ report_id: reportId, user_id: userId, read_at: at, acknowledged_at: at })
    .onConflict((oc) =>
      oc
        .columns(["report_id", "user_id"])
        .doUpdateSet({ acknowledged_at: sql<string>`coalesce(report_reads.acknowledged_at, ${at})` }),
    )
    .execute();
}

/** Whether a reader's opening and acknowledging are recorded: staff of the report's department. */
export function recordsReading(user: ReportReader, departmentId: number): boolean {
  return user.departmentId === departmentId && (user.role === "manager" || user.role === "department_admin");
}

/** A progress note on a missed target as a report shows it. */
export type UnmetNote = NonNullable<DepartmentReport["pledges"]["items"][number]["unmet"]>;

/**
 * The unmet-target notes recorded now for some of a department's pledges in a month, by pledge id.
 * A stored report is a snapshot: a note recorded after it was generated shows on it all the same.
 * Scoped by the department in the query, so another department's pledge id finds nothing.
 */
export async function currentUnmetNotes(
  db: Db,
  departmentId: number,
  month: string,
  pledgeIds: number[],
): Promise<Map<number, UnmetNote>> {
  if (pledgeIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("pledge_unmet_notes as n")
    .innerJoin("pledges as p", "p.id", "n.pledge_id")
    .select(["n.pledge_id", "n.reason", "n.corrective_proposal", "n.recorded_at"])
    .where("p.department_id", "=", departmentId)
    .where("n.period", "=", month)
    .where("n.pledge_id", "in", pledgeIds)
    .execute();
  return new Map(
    rows.map((n) => [
      Number(n.pledge_id),
      { reason: n.reason, correctiveProposal: n.corrective_proposal, recordedAt: n.recorded_at },
    ]),
  );
}
