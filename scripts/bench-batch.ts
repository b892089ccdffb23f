/**
 * Benchmark of offline-batch ingest (not a test): a temporary SQLite database, migrated and seeded
 * as test/setup/global-setup.ts does, one API key, then the batch route's action called in-process
 * with batches of valid responses. Prints responses stored per second and per-batch latency.
 *
 *   npx tsx scripts/bench-batch.ts [--batches=40] [--size=500] [--warmup=3]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { AppLoadContext } from "@remix-run/node";
import { createApiKey } from "../app/models/staff/api-keys.server";
import { action as batchAction } from "../app/routes/api.v1.responses.batch";
import { createDb } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { seed } from "../db/seed";

function arg(name: string, fallback: number): number {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  const n = found ? Number(found.slice(name.length + 3)) : fallback;
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
  return n;
}

const BATCHES = arg("batches", 40);
const SIZE = arg("size", 500);
const WARMUP = arg("warmup", 3);

/** A small seeded generator, so every run sends the same answers. */
function random(seedValue: number) {
  let s = seedValue >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const COMMENTS = [
  "Quick and friendly service, thank you.",
  "等候時間太長，希望可以增加櫃位。",
  "The form was confusing; the officer helped me fill it in.",
  "職員很有禮貌，解釋清楚。",
];

function batchBody(n: number, rnd: () => number): string {
  const now = Date.now();
  const rating = () => (rnd() < 0.1 ? "na" : 1 + Math.floor(rnd() * 5));
  const responses = Array.from({ length: n }, () => {
    const answers: Record<string, unknown> = {
      overall: 1 + Math.floor(rnd() * 5),
      courtesy: rating(),
      waiting: rating(),
      clarity: rating(),
    };
    if (rnd() < 0.3) answers.comments = COMMENTS[Math.floor(rnd() * COMMENTS.length)];
    return {
      survey: "immdcsat",
      language: rnd() < 0.6 ? "zh-HK" : "en",
      collectionPoint: rnd() < 0.5 ? "immdcsatctr" : "immdcsatweb",
      submittedAt: new Date(now - Math.floor(rnd() * 30 * 24 * 3600_000)).toISOString(),
      answers,
    };
  });
  return JSON.stringify({ responses });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-bench-"));
  const db = createDb(path.join(dir, "bench.sqlite"));
  try {
    await migrateToLatest(db);
    await seed(db);
    const admin = await db
      .selectFrom("staff_users")
      .select(["id", "department_id"])
      .where("username", "=", "admin.immd")
      .executeTakeFirstOrThrow();
    const { key } = await createApiKey(db, { id: admin.id, departmentId: admin.department_id! }, "Bench");
    // The batch action uses the database only.
    const context = { db } as unknown as AppLoadContext;
    const rnd = random(20261127);

    const send = async (body: string, idempotencyKey: string) => {
      const request = new Request("http://localhost/api/v1/responses/batch", {
        method: "POST",
        headers: {
          Authorization: `Bearer ${key}`,
          "Content-Type": "application/json",
          "Idempotency-Key": idempotencyKey,
        },
        body,
      });
      const started = performance.now();
      const res = (await batchAction({ request, context, params: {} })) as Response;
      const ms = performance.now() - started;
      if (res.status !== 201) throw new Error(`batch ${idempotencyKey}: ${res.status} ${await res.text()}`);
      return ms;
    };

    for (let i = 0; i < WARMUP; i++) await send(batchBody(SIZE, rnd), `bench-warmup-${i}`);
    const bodies = Array.from({ length: BATCHES }, () => batchBody(SIZE, rnd));
    const latencies: number[] = [];
    const started = performance.now();
    for (const [i, body] of bodies.entries()) latencies.push(await send(body, `bench-batch-${i}`));
    const seconds = (performance.now() - started) / 1000;

    const count = async (table: "survey_responses" | "survey_answers") =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const responses = await count("survey_responses");
    const answers = await count("survey_answers");
    const expected = (BATCHES + WARMUP) * SIZE;
    if (responses !== expected) throw new Error(`stored ${responses} responses, expected ${expected}`);

    const sorted = [...latencies].sort((a, b) => a - b);
    const bytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0) / bodies.length;
    const stored = BATCHES * SIZE;
    console.log(
      `Node ${process.version}, SQLite (better-sqlite3, WAL, synchronous=FULL), ${os.cpus().length} CPUs`,
    );
    console.log(
      `${BATCHES} batches × ${SIZE} responses (after ${WARMUP} warm-up batches); ${Math.round(bytes / 1024)} KiB of JSON per batch`,
    );
    console.log(
      `stored ${stored} responses in ${seconds.toFixed(2)} s: ${Math.round(stored / seconds)} responses/s`,
    );
    console.log(
      `per batch: median ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, min ${sorted[0]!.toFixed(1)} ms`,
    );
    console.log(`database now holds ${responses} responses and ${answers} answers`);
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
