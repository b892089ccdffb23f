// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import { type Kysely, PostgresAdapter, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

/**
 * Case and feedback lists at a department's volume (issue 14): indexes in the order the filtered
 * lists page by (keyset on received_at/reply_due/id), and full-text search over what a case says
 * and a feedback entry's summary — never over the encrypted contact details.
 * SQLite: FTS5 external-content tables kept by triggers (https://sqlite.org/fts5.html#external_content_tables).
 * Postgres: GIN indexes over to_tsvector('simple', …) expressions (the queries use the same one).
 */
export async function up(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const index = (name: string, table: string, columns: string[]) =>
    db.schema.createIndex(name).on(table).columns(columns).execute();
  await index("cases_list_received_idx", "cases", ["department_id", "received_at", "id"]);
  await index("cases_list_status_idx", "cases", ["department_id", "status", "received_at", "id"]);
  await index("cases_list_officer_idx", "cases", ["department_id", "assigned_to", "received_at", "id"]);
  await index("cases_list_due_idx", "cases", ["department_id", "reply_due", "id"]);
  await index("feedback_list_idx", "feedback_entries", ["department_id", "id"]);
  await index("feedback_list_kind_idx", "feedback_entries", ["department_id", "kind", "id"]);
  await index("feedback_list_month_idx", "feedback_entries", ["department_id", "month", "id"]);
  await index("feedback_list_important_idx", "feedback_entries", ["department_id", "important", "id"]);
  // A month's cases in received order; a month's closures; a period's feedback (bench-cases.ts:
  // closed_month 132 → 9 ms, received_month 34 → 3 ms, a week of feedback 106 → 3 ms).
  await index("cases_list_month_idx", "cases", ["department_id", "month", "received_at", "id"]);
  await index("cases_list_closed_idx", "cases", ["department_id", "closed_at"]);
  await index("feedback_list_logged_idx", "feedback_entries", ["department_id", "logged_at"]);
  await index("appeals_lodged_idx", "appeals", ["lodged_at", "case_id"]);
  await index("appeals_decided_idx", "appeals", ["decided_at", "case_id"]);

  if (pg) {
    await sql`create index cases_text_search_idx on cases using gin (to_tsvector('simple', what_happened))`.execute(
      db,
    );
    await sql`create index feedback_text_search_idx on feedback_entries using gin (to_tsvector('simple', summary))`.execute(
      db,
    );
    return;
  }
  for (const [fts, table, column] of [
    ["cases_fts", "cases", "what_happened"],
    ["feedback_fts", "feedback_entries", "summary"],
  ] as const) {
    await sql
      .raw(
        `create virtual table ${fts} using fts5(${column}, content='${table}', content_rowid='id', tokenize='unicode61 remove_diacritics 2')`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${fts}_ai after insert on ${table} begin
           insert into ${fts}(rowid, ${column}) values (new.id, new.${column});
         end`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${fts}_ad after delete on ${table} begin
           insert into ${fts}(${fts}, rowid, ${column}) values ('delete', old.id, old.${column});
         end`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${fts}_au after update of ${column} on ${table} begin
           insert into ${fts}(${fts}, rowid, ${column}) values ('delete', old.id, old.${column});
           insert into ${fts}(rowid, ${column}) values (new.id, new.${column});
         end`,
      )
      .execute(db);
    await sql.raw(`insert into ${fts}(${fts}) values ('rebuild')`).execute(db);
  }
}

export async function down(db: AnyDb): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  if (pg) {
    await sql`drop index if exists cases_text_search_idx`.execute(db);
    await sql`drop index if exists feedback_text_search_idx`.execute(db);
  } else {
    for (const fts of ["cases_fts", "feedback_fts"]) {
      for (const t of ["ai", "ad", "au"]) await sql.raw(`drop trigger if exists ${fts}_${t}`).execute(db);
      await sql.raw(`drop table if exists ${fts}`).execute(db);
    }
  }
  for (const name of [
    "cases_list_received_idx",
    "cases_list_status_idx",
    "cases_list_officer_idx",
    "cases_list_due_idx",
    "feedback_list_idx",
    "feedback_list_kind_idx",
    "feedback_list_month_idx",
    "feedback_list_important_idx",
    "appeals_lodged_idx",
    "cases_list_month_idx",
    "cases_list_closed_idx",
    "feedback_list_logged_idx",
    "appeals_decided_idx",
  ])
    await db.schema.dropIndex(name).ifExists().execute();
}
