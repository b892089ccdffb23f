import { sql } from "kysely";
import type { Db } from "../../db/client";

let created = false;

/**
 * The baseline of the submission benchmark (scripts/bench-submit.ts): one row into a table of its
 * own, nothing else. Only reachable when PLEDGE_BENCH=1.
 */
export async function insertBenchRow(db: Db, value: string): Promise<void> {
  if (!created) {
    await sql`create table if not exists bench_rows (id integer primary key, value text not null, at text not null)`.execute(
      db,
    );
    created = true;
  }
  await sql`insert into bench_rows (value, at) values (${value}, ${new Date().toISOString()})`.execute(db);
}
