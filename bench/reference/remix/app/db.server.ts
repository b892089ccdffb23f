import Database from "better-sqlite3";

/** One connection and one prepared insert for the process (the reference's best case). */
const db = new Database(process.env.BENCH_REF_DB ?? ":memory:");
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.exec(
  "create table if not exists bench_rows (id integer primary key, value text not null, at text not null)",
);
const insert = db.prepare("insert into bench_rows (value, at) values (?, ?)");

export function insertRow(value: string): void {
  insert.run(value, new Date().toISOString());
}
