import { SqliteAdapter } from "kysely";
import type { Db } from "./client";

type Job<T> = { work: (trx: Db) => Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };

/**
 * Group commit for SQLite: writes that arrive in the same turn of the event loop share one
 * transaction, so one fsync (synchronous=FULL) covers many of them. Each write runs inside its
 * own savepoint: one that fails is rolled back alone and its caller gets the error; the others
 * commit. Every caller is answered only after the commit, so an acknowledged write is durable.
 * Postgres already groups commits itself, so there the work runs in its own transaction.
 */
export class GroupCommitter {
  #queue: Job<unknown>[] = [];
  #scheduled = false;
  readonly #sqlite: boolean;

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 200,
  ) {
    this.#sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  }

  run<T>(work: (trx: Db) => Promise<T>): Promise<T> {
    if (!this.#sqlite) return this.db.transaction().execute(work);
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve, reject } as Job<unknown>);
      if (this.#queue.length >= this.maxBatch) void this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const jobs = this.#queue.splice(0, this.#queue.length);
    if (jobs.length === 0) return;
    if (jobs.length === 1) return this.#runAlone(jobs[0]!);
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      const trx = await this.db.startTransaction().execute();
      try {
        for (const [i, job] of jobs.entries()) {
          const name = `w${i}`;
          const sp = await trx.savepoint(name).execute();
          try {
            const value = await job.work(sp);
            await sp.releaseSavepoint(name).execute();
            outcomes.push({ ok: true, value });
          } catch (error) {
            await sp.rollbackToSavepoint(name).execute();
            await sp.releaseSavepoint(name).execute();
            outcomes.push({ ok: false, error });
          }
        }
        await trx.commit().execute();
      } catch (error) {
        await trx
          .rollback()
          .execute()
          .catch(() => undefined);
        throw error;
      }
    } catch (error) {
      // The commit itself failed: nothing of this group was stored.
      for (const job of jobs) job.reject(error);
      return;
    }
    for (const [i, job] of jobs.entries()) {
      const o = outcomes[i]!;
      if (o.ok) job.resolve(o.value);
      else job.reject(o.error);
    }
  }
  /**
   * A group of one needs no savepoint: its transaction is its own, and a failure rolls back
   * exactly what a savepoint would have (two statements fewer per write at low concurrency).
   */
  async #runAlone(job: Job<unknown>): Promise<void> {
    let value: unknown;
    try {
      value = await this.db.transaction().execute(job.work);
    } catch (error) {
      job.reject(error);
      return;
    }
    job.resolve(value);
  }
}

const committers = new WeakMap<Db, GroupCommitter>();

/** The group committer of a database handle (one per handle). */
export function groupCommit(db: Db): GroupCommitter {
  let c = committers.get(db);
  if (!c) {
    c = new GroupCommitter(db);
    committers.set(db, c);
  }
  return c;
}
