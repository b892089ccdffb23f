import { sql } from "kysely";
import type { Db } from "../../../db/client";
import type { ResponseChannel } from "../../../db/schema";
import { num, shareOf, surveyHref } from "./figures";
import type { Satisfaction, ServiceSatisfaction, SurveySatisfaction, TrendPoint } from "./schema";

/*
 * A report's survey section: responses by channel and collection point, and the share satisfied
 * per survey and per service over twelve months, from the stored month buckets (the
 * (department_id, month, channel) and results indexes).
 */

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

export async function surveySection(db: Db, departmentId: number, month: string, months: string[]) {
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
  const [questions, responsesByMonth, monthCounts] = await Promise.all([
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
    // The month's responses by survey, channel and collection point in one read of the covering
    // (department_id, month, survey_id, channel, collection_point_id) index, in its order (no
    // sort): the channel counts are summed from it, the points' names looked up after.
    db
      .selectFrom("survey_responses")
      .select((eb) => ["survey_id", "channel", "collection_point_id", eb.fn.countAll().as("n")])
      .where("department_id", "=", departmentId)
      .where("month", "=", month)
      .groupBy(["survey_id", "channel", "collection_point_id"])
      .execute(),
  ]);
  const byChannel = new Map<string, { survey_id: number; channel: ResponseChannel; n: number }>();
  for (const r of monthCounts) {
    const key = `${r.survey_id}\u0000${r.channel}`;
    const c = byChannel.get(key) ?? { survey_id: r.survey_id, channel: r.channel, n: 0 };
    c.n += num(r.n);
    byChannel.set(key, c);
  }
  const pointIds = [
    ...new Set(monthCounts.flatMap((r) => (r.collection_point_id == null ? [] : [r.collection_point_id]))),
  ];
  const points = new Map(
    (pointIds.length
      ? await db
          .selectFrom("collection_points")
          .select(["id", "code", "name_en", "name_zh"])
          .where("id", "in", pointIds)
          .execute()
      : []
    ).map((p) => [p.id, p]),
  );
  // The order the former GROUP BY (survey, point, channel) gave, for the stable sort below.
  const byPoint = [...monthCounts]
    .sort(
      (a, b) =>
        a.survey_id - b.survey_id ||
        (a.collection_point_id ?? -1) - (b.collection_point_id ?? -1) ||
        (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0),
    )
    .map((r) => {
      const p = r.collection_point_id == null ? undefined : points.get(r.collection_point_id);
      return { ...r, code: p?.code ?? null, name_en: p?.name_en ?? null, name_zh: p?.name_zh ?? null };
    });

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
  for (const r of byChannel.values()) {
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
