import type { Db } from "../../../db/client";
import type { FeedbackChannel, FeedbackKind } from "../../../db/schema";
import { num, surveyHref } from "./figures";
import { feedbackListHref } from "./links";
import type { DepartmentReport } from "./schema";

/*
 * A report's feedback sections: the month's feedback by kind and channel, a sample of what
 * customers said (survey comments and feedback summaries), and the important feedback that was
 * notified to management. Staff-written summaries and anonymous comments only: no personal data.
 */

export const SAMPLE_COMMENTS = 10;

export async function feedbackSection(
  db: Db,
  departmentId: number,
  month: string,
  surveyIds: number[],
  departmentCode: string,
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
    // The newest answers with text first (ids grow with arrival), one survey at a time: with
    // `survey_id = ?` each reads backwards along the partial index on answers with text (migration
    // 2200) and stops after SAMPLE_COMMENTS rows; `survey_id in (…)` made SQLite read, join and
    // sort the month's every comment of all the surveys. The newest of these are the newest overall.
    Promise.all(
      surveyIds.map((surveyId) =>
        db
          .selectFrom("survey_answers as a")
          .innerJoin("survey_responses as r", "r.id", "a.response_id")
          .select(["a.id", "a.survey_id", "a.value_text", "a.language", "r.submitted_at"])
          .where("a.survey_id", "=", surveyId)
          .where("a.month", "=", month)
          .where("a.value_text", "is not", null)
          .orderBy("a.id", "desc")
          .limit(SAMPLE_COMMENTS)
          .execute(),
      ),
    ).then((lists) =>
      lists
        .flat()
        .sort((a, b) => num(b.id) - num(a.id))
        .slice(0, SAMPLE_COMMENTS),
    ),
  ]);
  const byKind = new Map<FeedbackKind, number>();
  const byChannel = new Map<FeedbackChannel, number>();
  for (const g of groups) {
    byKind.set(g.kind, (byKind.get(g.kind) ?? 0) + num(g.n));
    byChannel.set(g.channel, (byChannel.get(g.channel) ?? 0) + num(g.n));
  }
  // The feedback log filtered to the department's month (and the figure's kind or channel).
  const link = (p: Record<string, string>) => feedbackListHref(departmentCode, { month, ...p });
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

export async function importantSection(
  db: Db,
  departmentId: number,
  month: string,
  departmentCode: string,
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
    href: feedbackListHref(departmentCode, { month, fi: "1" }),
  }));
}
