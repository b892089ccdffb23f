/**
 * Demo activity for the monthly management reports: survey responses at the web, the counter and
 * the kiosk for the departments whose pledges are not measured by a survey (those get theirs in
 * seed-pledges.ts), and a counter feedback log for every department, with some important
 * feedback each month. Twelve complete months before `today`, from a fixed seed. Historical
 * important feedback is marked as already e-mailed, so a first start sends no flood of e-mail.
 */
import { lastCompleteMonths } from "../app/models/calendar/periods";
import { hkMonth } from "../app/models/calendar/time";
import { loadVersion } from "../app/models/surveys/lookup.server";
import { insertResponse, parseResponse } from "../app/models/surveys/responses.server";
import type { Db } from "./client";
import type { FeedbackChannel, FeedbackKind } from "./schema";
import { ANNEX_PLEDGES } from "./seed-annex";

function rng(seed: string) {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return () => {
    h = Math.imul(h ^ (h >>> 15), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    h ^= h >>> 16;
    return (h >>> 0) / 4294967296;
  };
}

const COMMENTS: { en: string; zh: string }[] = [
  { en: "Staff were polite and explained everything clearly.", zh: "職員有禮，解釋清楚。" },
  { en: "The queue was too long in the morning.", zh: "早上排隊時間太長。" },
  { en: "Please add more seats in the waiting area.", zh: "請在等候區增加座位。" },
  { en: "The online booking worked well.", zh: "網上預約很方便。" },
  { en: "Signs to the counter were hard to find.", zh: "往櫃位的指示牌不易找到。" },
  { en: "Quick and efficient service, thank you.", zh: "服務快捷有效率，謝謝。" },
];

const SUMMARIES: Record<FeedbackKind, { en: string; zh: string }[]> = {
  compliment: [
    { en: "Thanked the counter officer for patient help with the form.", zh: "多謝櫃位職員耐心協助填表。" },
    { en: "Praised the short waiting time.", zh: "讚揚等候時間短。" },
  ],
  suggestion: [
    { en: "Suggested a priority queue for elderly applicants.", zh: "建議為長者申請人設優先輪候。" },
    { en: "Asked for the form to be available online.", zh: "要求提供網上表格。" },
  ],
  complaint: [
    { en: "Waited over an hour; no update was given.", zh: "等候超過一小時，期間沒有任何通知。" },
    { en: "Was told different requirements by two officers.", zh: "兩位職員所說的要求不一致。" },
  ],
  enquiry: [
    { en: "Asked which documents to bring for a renewal.", zh: "查詢續期須帶備甚麼文件。" },
    { en: "Asked about opening hours on public holidays.", zh: "查詢公眾假期的辦公時間。" },
  ],
};

export async function seedFeedbackActivity(db: Db, today: Date): Promise<void> {
  const already = await db.selectFrom("feedback_entries").select("id").limit(1).executeTakeFirst();
  if (already) return;
  const months = lastCompleteMonths(hkMonth(today), 12);
  const surveyMeasured = new Set(
    ANNEX_PLEDGES.filter((p) => p.fields.target_kind === "satisfaction").map((p) => p.department),
  );
  const departments = await db.selectFrom("departments").select(["id", "code"]).orderBy("id").execute();
  await db.transaction().execute(async (trx) => {
    for (const d of departments) {
      const r = rng(`feedback-${d.code}`);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
      const staff = await trx
        .selectFrom("staff_users")
        .select("id")
        .where("department_id", "=", d.id)
        .where("role", "=", "counter_staff")
        .executeTakeFirst();
      // Survey responses: the department's general satisfaction survey, at its collection points.
      const slug = `${d.code.toLowerCase()}csat`;
      const survey = surveyMeasured.has(d.code)
        ? undefined
        : await trx.selectFrom("surveys").selectAll().where("slug", "=", slug).executeTakeFirst();
      const version = survey?.current_version_id
        ? await loadVersion(trx, survey.current_version_id)
        : undefined;
      const points = survey
        ? await trx
            .selectFrom("collection_points")
            .select(["id", "channel"])
            .where("survey_id", "=", survey.id)
            .execute()
        : [];
      // Each department has its own level; it drifts a little from month to month.
      const level = 0.55 + r() * 0.35;
      for (const [mi, month] of months.entries()) {
        const drift = Math.sin(mi / 2 + d.id) * 0.06;
        if (survey && version) {
          const count = 25 + Math.floor(r() * 40);
          for (let i = 0; i < count; i++) {
            const fields: Record<string, string> = {};
            for (const q of version.questions) {
              if (q.type === "rating5") {
                const x = r();
                const good = level + drift;
                fields[`q${q.id}`] = String(
                  x < good * 0.55 ? 5 : x < good ? 4 : x < good + 0.15 ? 3 : x < 0.95 ? 2 : 1,
                );
              } else if (q.type === "long_text" || q.type === "short_text") {
                if (r() < 0.2) {
                  const c = pick(COMMENTS);
                  fields[`q${q.id}`] = r() < 0.6 ? c.zh : c.en;
                }
              }
            }
            const parsed = parseResponse(version, fields);
            if (!parsed.ok) continue;
            const point = points.length ? pick(points) : null;
            const day = String(1 + Math.floor(r() * 27)).padStart(2, "0");
            await insertResponse(
              trx,
              {
                survey,
                version,
                channel: point?.channel ?? "web",
                language: r() < 0.65 ? "zh-HK" : "en",
                collectionPointId: point?.id ?? null,
                submittedAt: `${month}-${day}T0${1 + Math.floor(r() * 8)}:15:00.000Z`,
              },
              parsed.answers,
            );
          }
        }
        // The counter and hotline log.
        const entries = 15 + Math.floor(r() * 30);
        const channels: FeedbackChannel[] = [
          "counter",
          "counter",
          "counter",
          "hotline",
          "email",
          "suggestion_form",
        ];
        for (let i = 0; i < entries; i++) {
          const x = r();
          const kind: FeedbackKind =
            x < 0.3 ? "compliment" : x < 0.55 ? "suggestion" : x < 0.75 ? "complaint" : "enquiry";
          const zh = r() < 0.6;
          const text = pick(SUMMARIES[kind]);
          const important = kind === "complaint" && r() < 0.12;
          const day = String(1 + Math.floor(r() * 27)).padStart(2, "0");
          const loggedAt = `${month}-${day}T0${1 + Math.floor(r() * 8)}:40:00.000Z`;
          const row = await trx
            .insertInto("feedback_entries")
            .values({
              department_id: d.id,
              service_id: null,
              kind,
              channel: pick(channels),
              summary: zh ? text.zh : text.en,
              language: zh ? "zh-HK" : "en",
              important: important ? 1 : 0,
              logged_by: staff?.id ?? null,
              logged_at: loggedAt,
              month: hkMonth(loggedAt),
              case_id: null,
            })
            .returning("id")
            .executeTakeFirstOrThrow();
          if (important) {
            await trx
              .insertInto("notifications")
              .values({
                department_id: d.id,
                kind: "important_feedback",
                entity_type: "feedback",
                entity_id: Number(row.id),
                created_at: loggedAt,
                emailed_at: loggedAt,
              })
              .execute();
          }
        }
      }
    }
  });
}
