// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

/**
 * Indexes for the monthly report, found with scripts/bench-reports.ts over 1 M responses
 * (fan-out on SQLite 24 s → 4 s in the same run):
 * - the report's sample of survey comments read every answer a survey ever had; a partial index
 *   on the answers that carry text, by survey and month, reads one month's;
 * - the report's GROUP BYs on responses (by survey and month, channel, collection point) fetched
 *   every row; with those columns in the index they read the index only. It replaces the
 *   (department_id, month, channel) index, whose columns it starts with.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex("survey_answers_text_month_idx")
    .on("survey_answers")
    .columns(["survey_id", "month"])
    .where(sql.ref("value_text"), "is not", null)
    .execute();
  await db.schema
    .createIndex("survey_responses_department_report_idx")
    .on("survey_responses")
    .columns(["department_id", "month", "survey_id", "channel", "collection_point_id"])
    .execute();
  await db.schema.dropIndex("survey_responses_department_month_idx").execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex("survey_responses_department_month_idx")
    .on("survey_responses")
    .columns(["department_id", "month", "channel"])
    .execute();
  await db.schema.dropIndex("survey_responses_department_report_idx").execute();
  await db.schema.dropIndex("survey_answers_text_month_idx").execute();
}
