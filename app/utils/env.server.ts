import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const boolString = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1")
  .optional();

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATA_DIR: z.string().min(1).default("data"),
  DATABASE_URL: z.string().min(1).optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
    .default("redis://127.0.0.1:6379"),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "letters, digits and _.:- only")
    .default("pledge"),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  APP_ORIGIN: z.url({ message: "must be a URL such as https://pledge.example.gov.hk" }).optional(),
  COOKIE_SECURE: boolString,
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 7)
    .default(12),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PII_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/_-]{43}=?$/, "must be 32 random bytes in base64 (openssl rand -base64 32)")
    .optional(),
  SURVEY_RATE_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
  SURVEY_RATE_PER_POINT: z.coerce.number().int().min(1).default(1200),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]/, "must be an smtp:// or smtps:// URL such as smtp://user:pass@mail.example:587")
    .optional(),
  MAIL_FROM: z.string().min(3).default("Pledge <no-reply@pledge.example>"),
  // The worker: how long a job's lock lasts without renewal, how often stalled jobs are looked
  // for (BullMQ), and after how long an e-mail claimed by a worker that died may be sent again.
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(60_000),
  WORKER_STALLED_MS: z.coerce.number().int().min(1000).default(30_000),
  OUTBOX_CLAIM_TIMEOUT_S: z.coerce.number().int().min(1).default(600),
  // How many proxies (load balancer, CDN) stand before the web process: the client's address is
  // taken from X-Forwarded-For only through that many hops. 0 trusts none of it.
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  // Backups of a SQLite deployment (`npm run backup`, nightly in the worker; ADR 0010).
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
  // How long a stopping worker (SIGTERM) waits for its jobs in flight before it exits anyway.
  WORKER_CLOSE_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  // Retention (app/models/retention/purge.server.ts): days after a case closed when its attachments are
  // deleted, and days after queuing when an e-mail to a complainant leaves the outbox; both go
  // sooner with the contact details when the department's own period is shorter.
  RETENTION_ATTACHMENT_DAYS: z.coerce.number().int().min(1).max(3650).default(730),
  RETENTION_OUTBOX_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  // Operators (README "Metrics"): GET /metrics answers only "Authorization: Bearer <METRICS_TOKEN>";
  // the worker serves it on METRICS_PORT when set (0: any free port).
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  // Load shedding per web process (ADR 0015): requests handled at once (0: no limit), and how
  // long one more may wait for a place before it gets 503 + Retry-After.
  MAX_IN_FLIGHT: z.coerce.number().int().min(0).default(64),
  SHED_QUEUE_MS: z.coerce.number().int().min(0).default(1000),
});

export interface Env {
  NODE_ENV: "development" | "production" | "test";
  PORT: number;
  HOST: string;
  DATA_DIR: string;
  DATABASE_URL: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  SESSION_SECRET: string;
  APP_ORIGIN: string | undefined;
  COOKIE_SECURE: boolean;
  SESSION_IDLE_MINUTES: number;
  SESSION_ABSOLUTE_HOURS: number;
  BODY_LIMIT_BYTES: number;
  LOG_LEVEL: string;
  SURVEY_RATE_PER_ADDRESS: number;
  SURVEY_RATE_PER_POINT: number;
  /** AES-256-GCM key for complainants' contact details (32 bytes, base64) */
  PII_KEY: string;
  /** where the worker sends the outbox; unset, messages wait for administrators to read */
  SMTP_URL?: string;
  MAIL_FROM: string;
  WORKER_LOCK_MS: number;
  WORKER_STALLED_MS: number;
  OUTBOX_CLAIM_TIMEOUT_S: number;
  /** proxies trusted for X-Forwarded-For (0: none) */
  TRUST_PROXY: number;
  /** where backups go: a folder per backup (default `<DATA_DIR>/backups`) */
  BACKUP_DIR: string;
  /** how many backups are kept there; older ones are deleted after each backup */
  BACKUP_KEEP: number;
  WORKER_CLOSE_TIMEOUT_MS: number;
  RETENTION_ATTACHMENT_DAYS: number;
  RETENTION_OUTBOX_DAYS: number;
  METRICS_TOKEN?: string;
  METRICS_PORT?: number;
  MAX_IN_FLIGHT: number;
  SHED_QUEUE_MS: number;
}

/** Where the data lives; the backup and restore scripts need no more (and no generated secret). */
export type StorageEnv = Pick<Env, "DATA_DIR" | "DATABASE_URL" | "BACKUP_DIR" | "BACKUP_KEEP">;

/** Thrown with every bad variable named, so a wrong deployment says exactly what to fix. */
export class EnvError extends Error {}

/**
 * Validates the environment once (epic-stack app/utils/env.server.ts). Defaults make a fresh
 * checkout run: SQLite under data/, Redis on localhost, port 3000, a generated session secret.
 */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const e = checked(EnvSchema, source);
  const where = storage(e);
  return {
    ...e,
    ...where,
    SESSION_SECRET: e.SESSION_SECRET ?? generatedSecret(where.DATA_DIR, "session-secret"),
    PII_KEY: e.PII_KEY ?? generatedSecret(where.DATA_DIR, "pii-key"),
    APP_ORIGIN: e.APP_ORIGIN?.replace(/\/$/, ""),
    COOKIE_SECURE: e.COOKIE_SECURE ?? e.NODE_ENV === "production",
  };
}

/**
 * The storage variables only, checked as parseEnv checks them, without generating secrets into
 * DATA_DIR: `npm run restore` must find an empty data directory still empty.
 */
export function parseStorageEnv(source: Record<string, string | undefined>): StorageEnv {
  return storage(
    checked(
      EnvSchema.pick({ DATA_DIR: true, DATABASE_URL: true, BACKUP_DIR: true, BACKUP_KEEP: true }),
      source,
    ),
  );
}

function checked<T extends z.ZodType>(schema: T, source: Record<string, string | undefined>): z.output<T> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid environment variables:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

function storage(e: {
  DATA_DIR: string;
  DATABASE_URL?: string;
  BACKUP_DIR?: string;
  BACKUP_KEEP: number;
}): StorageEnv {
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    DATA_DIR: dataDir,
    DATABASE_URL: e.DATABASE_URL ?? path.join(dataDir, "pledge.sqlite"),
    BACKUP_DIR: path.resolve(e.BACKUP_DIR ?? path.join(dataDir, "backups")),
    BACKUP_KEEP: e.BACKUP_KEEP,
  };
}

let cached: Env | undefined;

/** The validated environment of this process (parsed on first use). */
export function loadEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Tests change the environment between suites. */
export function resetEnvCache(): void {
  cached = undefined;
}

/** A random secret kept in a file under data/ so restarts keep sessions valid. */
export function generatedSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const secret = crypto.randomBytes(32).toString("base64url");
    try {
      fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
      return secret;
    } catch {
      // another process won the race: use its secret
      return fs.readFileSync(file, "utf8").trim();
    }
  }
}
