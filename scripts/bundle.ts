/**
 * The production bundles (part of `npm run build`, after `remix build`): the web server, the
 * worker and the operator scripts, each one ESM file under build/server/ that plain `node` runs
 * (docs/decisions/0015-production-bundles.md). Our own TypeScript is bundled; every npm package
 * stays external and is loaded from node_modules at run time, as it is today: native addons
 * (better-sqlite3, @node-rs/argon2, pg-native), packages that read their own files (pdfkit's
 * .afm fonts, date-holidays' data, exceljs) and the Remix build (build/index.js, loaded by path).
 *
 * Usage: node --import tsx scripts/bundle.ts [--metafile]
 *        node --import tsx scripts/bundle.ts --measure [runs]   start-up time and idle memory of
 *        the web and worker processes, through tsx and from the bundles (ADR 0015's figures);
 *        needs a built app, a migrated DATABASE_URL and Redis.
 */

import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { build, type Plugin } from "esbuild";
import { PROGRAMS } from "./run.mjs";

const OUT_DIR = "build/server";

/**
 * Every bare import (an npm package or a Node built-in) stays an import; `~/` is our app/ alias
 * (tsconfig paths) and is bundled. Done by hand rather than with `packages: "external"`, which
 * esbuild 0.17 applies before tsconfig paths.
 */
const externalPackages: Plugin = {
  name: "external-packages",
  setup(b) {
    b.onResolve({ filter: /^[^./~]|^~[^/]/ }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * A module's "am I the program?" test (`import.meta.url === pathToFileURL(process.argv[1])`) is
 * true for every module in a bundle, whose modules share one URL: db/migrate.ts inside the
 * report bundle would run its own main. Only the entry point keeps its test.
 */
const MAIN_GUARD = /import\.meta\.url === pathToFileURL\(process\.argv\[1\] \?\? ""\)\.href/g;
function onlyEntryIsMain(entry: string): Plugin {
  const entryPath = path.resolve(entry);
  return {
    name: "only-entry-is-main",
    setup(b) {
      b.onLoad({ filter: /\.tsx?$/ }, (args) => {
        const source = fs.readFileSync(args.path, "utf8");
        if (args.path === entryPath || !source.match(MAIN_GUARD)) return undefined;
        return {
          contents: source.replace(MAIN_GUARD, "false"),
          loader: args.path.endsWith("x") ? "tsx" : "ts",
        };
      });
    },
  };
}

async function bundle(name: string, entry: string, metafile: boolean) {
  const result = await build({
    entryPoints: [entry],
    outfile: path.join(OUT_DIR, `${name}.js`),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    legalComments: "none",
    logLevel: "warning",
    metafile,
    plugins: [externalPackages, onlyEntryIsMain(entry)],
    banner: { js: `// Built from ${entry} by scripts/bundle.ts; do not edit.` },
  });
  if (result.metafile) {
    fs.writeFileSync(path.join(OUT_DIR, `${name}.meta.json`), JSON.stringify(result.metafile));
  }
}

/** Spawn → ready line (ms), then the resident set after `idleMs` (MB), from /proc. */
function measureOnce(args: string[], ready: RegExp, idleMs: number): Promise<{ ms: number; rssMb: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, {
      env: { ...process.env, NODE_ENV: "production", PORT: "0", LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    let ms = 0;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (ms || !ready.test(out)) return;
      ms = performance.now() - t0;
      setTimeout(() => {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
        const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        child.once("exit", () => resolve({ ms, rssMb: rssKb / 1024 }));
        child.kill("SIGTERM");
      }, idleMs);
    });
    child.once("exit", (code) => {
      if (!ms) reject(new Error(`${args.join(" ")} exited with ${code}:\n${out}`));
    });
  });
}

async function measure(runs: number) {
  const cases = [
    { label: "web, tsx server.ts", args: ["--import", "tsx", "server.ts"], ready: /listening on/ },
    { label: "web, node build/server/web.js", args: ["build/server/web.js"], ready: /listening on/ },
    {
      label: "worker, tsx jobs/worker.ts",
      args: ["--import", "tsx", "jobs/worker.ts"],
      ready: /worker ready/,
    },
    { label: "worker, node build/server/worker.js", args: ["build/server/worker.js"], ready: /worker ready/ },
  ];
  const results = new Map<string, { ms: number[]; rss: number[] }>(
    cases.map((c) => [c.label, { ms: [], rss: [] }]),
  );
  // Interleaved, so a busy moment of the machine falls on every case alike.
  for (let i = 0; i < runs; i++) {
    for (const c of cases) {
      const r = await measureOnce(c.args, c.ready, 10_000);
      results.get(c.label)!.ms.push(r.ms);
      results.get(c.label)!.rss.push(r.rssMb);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const fmt = (xs: number[], digits: number) =>
    `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
  console.log(`| process | start-up, ms: median (range) | RSS after 10 s idle, MB: median (range) |`);
  console.log(`| --- | --- | --- |`);
  for (const [label, r] of results) console.log(`| ${label} | ${fmt(r.ms, 0)} | ${fmt(r.rss, 1)} |`);
}

async function main() {
  const at = process.argv.indexOf("--measure");
  if (at >= 0) return measure(Number(process.argv[at + 1] ?? 5) || 5);
  const started = Date.now();
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const metafile = process.argv.includes("--metafile");
  await Promise.all(Object.entries(PROGRAMS).map(([name, entry]) => bundle(name, entry, metafile)));
  console.log(
    `Bundled ${Object.keys(PROGRAMS).length} programs into ${OUT_DIR}/ in ${Date.now() - started} ms.`,
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
