// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idType = pg ? "serial" : "integer";
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const bigId = pg ? "bigserial" : "integer";

  await db.schema
    .createTable("surveys")
    .addColumn("id", idType, id)
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("service_id", "integer", (c) => c.references("services.id"))
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('draft','published','closed')`))
    .addColumn("current_version_id", "integer")
    .addColumn("created_by", "integer", (c) => c.references("staff_users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("published_at", "text")
    .addColumn("closed_at", "text")
    .execute();
  await db.schema.createIndex("surveys_department_idx").on("surveys").column("department_id").execute();

  await db.schema
    .createTable("survey_versions")
    .addColumn("id", idType, id)
    .addColumn("survey_id", "integer", (c) => c.notNull().references("surveys.id").onDelete("cascade"))
    .addColumn("version_no", "integer", (c) => c.notNull())
    .addColumn("title_en", "text", (c) => c.notNull())
    .addColumn("title_zh", "text", (c) => c.notNull())
    .addColumn("intro_en", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("intro_zh", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("survey_versions_no_uq", ["survey_id", "version_no"])
    .execute();

  await db.schema
    .createTable("survey_questions")
    .addColumn("id", idType, id)
    .addColumn("version_id", "integer", (c) =>
      c.notNull().references("survey_versions.id").onDelete("cascade"),
    )
    .addColumn("position", "integer", (c) => c.notNull())
    // Stable across versions: results of "the same question" in two versions add up by key.
    .addColumn("question_key", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) =>
      c.notNull().check(sql`type in ('rating5','nps','single','multiple','short_text','long_text')`),
    )
    .addColumn("required", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("prompt_en", "text", (c) => c.notNull())
    .addColumn("prompt_zh", "text", (c) => c.notNull())
    .addColumn("max_length", "integer")
    .addUniqueConstraint("survey_questions_key_uq", ["version_id", "question_key"])
    .execute();

  await db.schema
    .createTable("question_options")
    .addColumn("id", idType, id)
    .addColumn("question_id", "integer", (c) =>
      c.notNull().references("survey_questions.id").onDelete("cascade"),
    )
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("label_en", "text", (c) => c.notNull())
    .addColumn("label_zh", "text", (c) => c.notNull())
    .addUniqueConstraint("question_options_code_uq", ["question_id", "code"])
    .execute();

  await db.schema
    .createTable("collection_points")
    .addColumn("id", idType, id)
    .addColumn("survey_id", "integer", (c) => c.notNull().references("surveys.id").onDelete("cascade"))
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name_en", "text", (c) => c.notNull())
    .addColumn("name_zh", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) =>
      c.notNull().check(sql`channel in ('web','counter','kiosk','hotline','leaflet','email')`),
    )
    .addColumn("is_active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("collection_points_survey_idx")
    .on("collection_points")
    .column("survey_id")
    .execute();

  await db.schema
    .createTable("survey_responses")
    .addColumn("id", bigId, id)
    .addColumn("survey_id", "integer", (c) => c.notNull().references("surveys.id"))
    .addColumn("version_id", "integer", (c) => c.notNull().references("survey_versions.id"))
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("collection_point_id", "integer", (c) => c.references("collection_points.id"))
    .addColumn("channel", "text", (c) =>
      c.notNull().check(sql`channel in ('web','counter','kiosk','hotline','leaflet','email','paper','api')`),
    )
    .addColumn("language", "text", (c) => c.notNull().check(sql`language in ('en','zh-HK')`))
    .addColumn("submitted_at", "text", (c) => c.notNull())
    // Hong Kong month of submitted_at, stored so monthly GROUP BYs use an index (performance.md, lesson 2).
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("received_at", "text", (c) => c.notNull())
    .addColumn("entered_by", "integer", (c) => c.references("staff_users.id"))
    .addColumn("batch_id", "integer")
    .execute();
  await db.schema
    .createIndex("survey_responses_survey_month_idx")
    .on("survey_responses")
    .columns(["survey_id", "month"])
    .execute();
  await db.schema
    .createIndex("survey_responses_department_month_idx")
    .on("survey_responses")
    .columns(["department_id", "month", "channel"])
    .execute();

  // One row per answer (never one column per question). The response's filter columns are copied
  // here so results aggregate from one covering index without a join.
  await db.schema
    .createTable("survey_answers")
    .addColumn("id", bigId, id)
    .addColumn("response_id", pg ? "bigint" : "integer", (c) =>
      c.notNull().references("survey_responses.id").onDelete("cascade"),
    )
    .addColumn("survey_id", "integer", (c) => c.notNull())
    .addColumn("question_id", "integer", (c) => c.notNull().references("survey_questions.id"))
    .addColumn("question_key", "text", (c) => c.notNull())
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("language", "text", (c) => c.notNull())
    .addColumn("collection_point_id", "integer")
    .addColumn("value_number", "integer")
    .addColumn("option_id", "integer", (c) => c.references("question_options.id"))
    .addColumn("value_text", "text")
    .addColumn("not_applicable", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex("survey_answers_results_idx")
    .on("survey_answers")
    .columns(["survey_id", "question_key", "month", "value_number", "option_id"])
    .execute();
  await db.schema
    .createIndex("survey_answers_response_idx")
    .on("survey_answers")
    .column("response_id")
    .execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", idType, id)
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_by", "integer", (c) => c.references("staff_users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .addColumn("last_used_at", "text")
    .execute();

  await db.schema
    .createTable("response_batches")
    .addColumn("id", idType, id)
    .addColumn("department_id", "integer", (c) => c.notNull().references("departments.id"))
    .addColumn("idempotency_key", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("response_count", "integer", (c) => c.notNull())
    .addColumn("api_key_id", "integer", (c) => c.references("api_keys.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("response_batches_key_uq", ["department_id", "idempotency_key"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const t of [
    "response_batches",
    "api_keys",
    "survey_answers",
    "survey_responses",
    "collection_points",
    "question_options",
    "survey_questions",
    "survey_versions",
    "surveys",
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
