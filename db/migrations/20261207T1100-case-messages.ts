// Frozen: never edit after it has run anywhere. Uses Kysely<any>, not the app's types.
import { type Kysely, PostgresAdapter, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's types
type AnyDb = Kysely<any>;

const OLD_KINDS = [
  "transition",
  "note",
  "reply",
  "assign",
  "refer",
  "refer-accept",
  "refer-return",
  "appeal",
  "appeal-decision",
  "deadline",
];

/**
 * Keeping the citizen told (issue 14): an outbox message goes by e-mail or, to a citizen who gave
 * only a phone number, by SMS (its to_enc is then the encrypted number); and the files a citizen
 * sends with an answer from /track name the answer (a case event) they came with (null: sent
 * with the complaint). A case event of kind 'citizen-answer' holds the answer: the kinds are a CHECK
 * constraint, replaced as 20261206T1100-case-event-deadline does (SQLite: the table is rebuilt).
 */
export async function up(db: AnyDb): Promise<void> {
  await setKinds(db, [...OLD_KINDS, "citizen-answer"]);
  await db.schema
    .alterTable("outbox_messages")
    .addColumn("channel", "text", (c) => c.notNull().defaultTo("email"))
    .execute();
  await db.schema.alterTable("case_attachments").addColumn("event_id", "integer").execute();
  await db.schema
    .createIndex("case_attachments_event_idx")
    .on("case_attachments")
    .columns(["event_id"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex("case_attachments_event_idx").execute();
  await db.schema.alterTable("case_attachments").dropColumn("event_id").execute();
  await db.schema.alterTable("outbox_messages").dropColumn("channel").execute();
  await db.deleteFrom("case_events").where("kind", "=", "citizen-answer").execute();
  await setKinds(db, OLD_KINDS);
}

async function setKinds(db: AnyDb, kinds: readonly string[]): Promise<void> {
  const list = sql.join(kinds.map((k) => sql.lit(k)));
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // Runs inside the migrator's transaction. The constraint was named by Postgres; find it.
    const found = await sql<{ conname: string }>`
      select conname from pg_constraint
      where conrelid = 'case_events'::regclass and contype = 'c'
        and pg_get_constraintdef(oid) like '%kind%'`.execute(db);
    for (const c of found.rows) {
      await sql`alter table case_events drop constraint ${sql.id(c.conname)}`.execute(db);
    }
    await sql`alter table case_events add constraint case_events_kind_check check (kind in (${list}))`.execute(
      db,
    );
    return;
  }
  // SQLite: the migrator runs without a transaction here, so the rebuild takes one of its own.
  await db.transaction().execute(async (trx) => {
    await trx.schema
      .createTable("case_events_new")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("case_id", "integer", (c) => c.notNull().references("cases.id").onDelete("cascade"))
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor_user_id", "integer", (c) => c.references("staff_users.id"))
      .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in (${list})`))
      .addColumn("from_status", "text")
      .addColumn("to_status", "text")
      .addColumn("body", "text")
      .addColumn("visible_to_citizen", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("department_id", "integer", (c) => c.references("departments.id"))
      .execute();
    await sql`insert into case_events_new
      (id, case_id, at, actor_user_id, kind, from_status, to_status, body, visible_to_citizen, department_id)
      select id, case_id, at, actor_user_id, kind, from_status, to_status, body, visible_to_citizen, department_id
      from case_events`.execute(trx);
    // AUTOINCREMENT never reuses an id: keep the old table's high-water mark for the new one.
    const seq = await sql<{
      seq: number;
    }>`select seq from sqlite_sequence where name = 'case_events'`.execute(trx);
    await trx.schema.dropTable("case_events").execute();
    await sql`alter table case_events_new rename to case_events`.execute(trx);
    if (seq.rows[0]) {
      await sql`update sqlite_sequence set seq = max(seq, ${seq.rows[0].seq}) where name = 'case_events'`.execute(
        trx,
      );
    }
    await trx.schema
      .createIndex("case_events_case_idx")
      .on("case_events")
      .columns(["case_id", "id"])
      .execute();
  });
}
