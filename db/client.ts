import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
} from "kysely";
import pg from "pg";
import type { Database } from "./schema";

export type Db = Kysely<Database>;
export type DbKind = "sqlite" | "postgres";

export function dbKind(url: string): DbKind {
  return /^postgres(ql)?:\/\//i.test(url) ? "postgres" : "sqlite";
}

/** A filesystem path from a DATABASE_URL such as `data/pledge.sqlite` or `file:data/pledge.sqlite`. */
export function sqlitePath(url: string): string {
  return url.replace(/^file:(\/\/)?/, "").replace(/^sqlite:(\/\/)?/, "");
}

export interface CreateDbOptions {
  /** Postgres only: the schema to put first on search_path (tests use one each). */
  pgSchema?: string;
  /** Postgres only: pool size. */
  poolSize?: number;
}

/**
 * How long a SQLite statement waits for another process's write lock before SQLITE_BUSY. The
 * wait blocks the event loop (better-sqlite3 is synchronous), so it is bounded; writes here last
 * milliseconds (ADR 0010).
 */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

const pools = new WeakMap<Db, pg.Pool>();
/** A Postgres database's connection pool (for its metrics); undefined for SQLite. */
export function pgPoolOf(db: Db): pg.Pool | undefined {
  return pools.get(db);
}

/**
 * Opens SQLite (better-sqlite3) by default, Postgres for postgres:// URLs.
 * SQLite runs in WAL with synchronous=FULL: a committed response survives a power cut
 * (https://www.sqlite.org/pragma.html#pragma_synchronous), at some cost per commit.
 * Every SQLite transaction starts with BEGIN IMMEDIATE (ImmediateSqliteDialect, ADR 0010).
 */
export function createDb(url: string, options: CreateDbOptions = {}): Db {
  if (dbKind(url) === "postgres") {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      ...(options.pgSchema ? { options: `-c search_path=${pgIdent(options.pgSchema)}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    pools.set(db, pool);
    return db;
  }
  const file = sqlitePath(url);
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const database = new SQLite(file);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = FULL");
  database.pragma("foreign_keys = ON");
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  cacheStatements(database);
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database }) });
}

/**
 * Kysely's SQLite driver starts transactions with a plain (deferred) `begin`: the transaction
 * takes the write lock only at its first write. If another process (web and worker share the
 * file) holds the lock or has committed since this transaction's first read, SQLite cannot wait
 * for it without risking deadlock and answers SQLITE_BUSY at once, busy_timeout or not
 * (https://www.sqlite.org/lang_transaction.html, "deferred"). `begin immediate` takes the write
 * lock at the start, where busy_timeout does wait. Within one process Kysely already runs one
 * transaction at a time on the single connection, so nothing is lost.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/**
 * Kysely's SQLite driver prepares every query anew; the hot paths lose ~40% to that
 * (shared/performance.md lesson 3). Keep prepared statements by SQL text; a statement still
 * being iterated (busy) is never handed out twice.
 */
function cacheStatements(database: SQLite.Database, max = 1000): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, SQLite.Statement>();
  database.prepare = ((source: string) => {
    const hit = cache.get(source);
    if (hit && !hit.busy) return hit;
    const stmt = prepare(source);
    if (!hit && cache.size < max) cache.set(source, stmt);
    return stmt;
  }) as typeof database.prepare;
}

/** A Postgres identifier we made ourselves (schema names in tests); refuses anything else. */
function pgIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Bad schema name: ${name}`);
  return name;
}
