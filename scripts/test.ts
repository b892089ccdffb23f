/**
 * `npm test`: everything, against the real things. Fails with the install command when Redis or
 * Chromium is missing (never a silent skip), builds the app, runs vitest (unit, integration on
 * SQLite and, with TEST_DATABASE_URL, Postgres, end-to-end in Chromium, the scale harness) and,
 * with TEST_DATABASE_URL, the end-to-end tests a second time on Postgres; prints one closing line
 * summing both runs.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";

const CHROME_PATH = process.env.CHROME_PATH ?? "/usr/bin/chromium";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const args = process.argv.slice(2);
const wantsE2e = !args.includes("--project") || args.join(" ").includes("e2e");

function fail(message: string): never {
  console.error(`\n✗ ${message}\n`);
  process.exit(1);
}

/**
 * On a fresh machine where we are root and apt-get exists (CI, a new container), install the
 * missing Debian packages ourselves and say so; anywhere else, stop with the command to run.
 */
function installOrFail(packages: string[], why: string): void {
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = fs.existsSync("/usr/bin/apt-get");
  const command = `apt-get install -y ${packages.join(" ")}`;
  if (!asRoot || !hasApt) fail(`${why} Install it with: ${command}`);
  console.log(`${why} Installing it now (root, apt-get): ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  const install = spawnSync("apt-get", ["install", "-y", "-qq", ...packages], { stdio: "inherit", env });
  if (update.status !== 0 || install.status !== 0) fail(`The install failed. Run it yourself: ${command}`);
}

async function main() {
  const font = process.env.PDF_FONT ?? "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
  const missing = [
    ...(wantsE2e && !fs.existsSync(CHROME_PATH) ? ["chromium"] : []),
    ...(!fs.existsSync(font) ? ["fonts-noto-cjk"] : []),
  ];
  if (missing.length) {
    installOrFail(
      missing,
      `Missing for the tests: ${missing.join(", ")} (Chromium at ${CHROME_PATH} for end-to-end tests, or set CHROME_PATH; the Noto CJK font ${font} for Chinese in the PDF export and screenshots).`,
    );
    if (wantsE2e && !fs.existsSync(CHROME_PATH))
      fail(`Chromium is still not at ${CHROME_PATH}: set CHROME_PATH.`);
  }
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    fail(
      `Redis is not answering at ${REDIS_URL}. Install it with: apt-get install -y redis-server; ` +
        'start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
    );
  } finally {
    redis.disconnect();
  }
  console.log(
    `Databases under test: sqlite${process.env.TEST_DATABASE_URL ? ", postgres (TEST_DATABASE_URL)" : " (set TEST_DATABASE_URL to add postgres)"}`,
  );

  // `npm run build`: the Remix build and, where scripts/bundle.ts exists, the server bundles the
  // test helpers then start (test/setup/worker-process.ts, pledgeCommand).
  const build = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
  if (build.status !== 0) fail("The build failed.");

  // The whole suite once (SQLite; Postgres too where a test asks for TEST_DATABASE_URL), then
  // with TEST_DATABASE_URL the end-to-end project again with every server on Postgres.
  const runs: Run[] = [vitest("all", args, {})];
  if (process.env.TEST_DATABASE_URL && wantsE2e) {
    const e2eArgs = args.includes("--project") ? args : ["--project", "e2e", ...args];
    runs.push(vitest("e2e on postgres", e2eArgs, { E2E_DATABASE: "postgres" }));
  }
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const r of runs) {
    total.passed += r.passed;
    total.failed += r.failed;
    total.skipped += r.skipped;
  }
  if (runs.length > 1)
    for (const r of runs)
      console.log(`  ${r.name}: ${r.passed} passed, ${r.failed} failed (${Math.round(r.seconds)} s)`);
  console.log(
    `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`,
  );
  process.exit(runs.every((r) => r.ok) && total.failed === 0 && total.passed > 0 ? 0 : 1);
}

interface Run {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
  ok: boolean;
}

/** One vitest run with its own JSON results file, counted. */
function vitest(name: string, vitestArgs: string[], env: Record<string, string>): Run {
  const started = Date.now();
  const results = path.resolve(`.cache/test/results-${name.replace(/\W+/g, "-")}.json`);
  fs.mkdirSync(path.dirname(results), { recursive: true });
  fs.rmSync(results, { force: true });
  if (name !== "all") console.log(`\n==> vitest: ${name}\n`);
  const run = spawnSync(
    process.execPath,
    [
      path.resolve("node_modules/vitest/vitest.mjs"),
      "run",
      "--reporter=verbose",
      "--reporter=json",
      `--outputFile.json=${results}`,
      ...vitestArgs,
    ],
    { stdio: "inherit", env: { ...process.env, CHROME_PATH, ...env } },
  );
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (fs.existsSync(results)) {
    const r = JSON.parse(fs.readFileSync(results, "utf8"));
    passed = r.numPassedTests ?? 0;
    failed = r.numFailedTests ?? 0;
    // A file that failed to load has no failed test of its own: count it once.
    if (failed === 0 && (r.numFailedTestSuites ?? 0) > 0) failed = r.numFailedTestSuites;
    skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  } else failed = 1;
  if (run.status !== 0 && failed === 0) failed = 1;
  return { name, passed, failed, skipped, seconds: (Date.now() - started) / 1000, ok: run.status === 0 };
}

main();
