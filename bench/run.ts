/**
 * `npm run bench [-- --quick] [-- --only a,b] [-- --repeats n] [-- --duration s] [-- --no-docs]`
 *
 * Every figure of issue 13 in one invocation, each beside the reference it is judged against,
 * printed as median and range over the repeats (at least five unless `--quick`) and as a ratio.
 * Writes bench/results/<YYYY-MM-DD>.json and rewrites the table in docs/performance.md (with the
 * machine it came from) unless `--only` or `--no-docs`.
 *
 * HTTP: the product (`node build/server/web.js` when bundled, else `node --import tsx server.ts`),
 * a bare Remix 2 app (bench/reference/remix) and a bare node:http server (bench/reference/
 * node-http.mjs) each pinned to core 0; autocannon (bench/load.ts) in a child process pinned to
 * core 1; 50 connections, `duration` seconds a run. Repeats go round-robin over the targets, so a
 * product figure and its reference's are measured side by side and each repeat has its own ratio.
 * Then each `half` target again at half its own median maximum rate (autocannon overallRate), for
 * p99 at half load.
 *
 * Data paths (bench/data.ts): monthly fan-out over 1,000,000 responses beside the hand-written
 * GROUP BYs; the transactions import beside a raw batched insert; the CSV export of 1,000,000
 * responses through the web process (rows/s, peak RSS growth).
 *
 * `--only` names targets (see the table); a product target brings its reference along. `--skip`
 * leaves targets out.
 */
import { execSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SQLite from "better-sqlite3";
import { DATA_TARGETS, type DataFigure } from "./data";
import {
  HTTP_TARGETS,
  type HttpTarget,
  type LoadResult,
  load,
  prepare,
  ROOT,
  type RunningServer,
  type ServerName,
  startNodeReference,
  startProduct,
  startRemixReference,
  surveyBody,
} from "./http";

function countResponses(dbPath: string): number {
  const db = new SQLite(dbPath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("select count(*) as n from survey_responses").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

import { num, range, type Summary, summarize } from "./stats";

interface Options {
  quick: boolean;
  only: string[] | null;
  /** targets left out (the rest run, and the docs table is still rewritten) */
  skip: string[];
  repeats: number;
  duration: number;
  connections: number;
  docs: boolean;
  rebuild: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    quick: false,
    only: null,
    skip: [],
    repeats: 5,
    duration: 10,
    connections: 50,
    docs: true,
    rebuild: false,
  };
  let repeats: number | null = null;
  let duration: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes("=")
      ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
      : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--quick") o.quick = true;
    else if (flag === "--only")
      o.only = value()
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    else if (flag === "--skip")
      o.skip = value()
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean);
    else if (flag === "--repeats") repeats = Number(value());
    else if (flag === "--duration") duration = Number(value());
    else if (flag === "--connections") o.connections = Number(value());
    else if (flag === "--no-docs") o.docs = false;
    else if (flag === "--rebuild") o.rebuild = true;
    else throw new Error(`Unknown argument ${a}`);
  }
  o.repeats = repeats ?? (o.quick ? 2 : 5);
  o.duration = duration ?? (o.quick ? 5 : 10);
  if (o.only) {
    const known = new Set([...HTTP_TARGETS.map((t) => t.name), ...DATA_TARGETS.map((t) => t.name)]);
    const unknown = o.only.filter((n) => !known.has(n));
    if (unknown.length)
      throw new Error(`Unknown target(s) ${unknown.join(", ")}; known: ${[...known].join(", ")}`);
  }
  return o;
}

interface HttpFigure {
  name: string;
  describe: string;
  ref?: string;
  goal?: number;
  runs: LoadResult[];
  halfRate?: number;
  halfRuns: LoadResult[];
  rps: Summary;
  p99: Summary;
  halfP99?: Summary;
  /** product ÷ reference req/s, one per repeat (same round) */
  ratios?: number[];
  halfP99Ratio?: number;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GB`,
    commit: (() => {
      try {
        return execSync("git rev-parse --short HEAD", { cwd: ROOT }).toString().trim();
      } catch {
        return "unknown";
      }
    })(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * After a run the server still works through the requests queued when the generator stopped:
 * wait until a plain request is answered again (at most 20 s), so the next run starts on an idle
 * server.
 */
async function settle(url: string): Promise<void> {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    const t = performance.now();
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await r.arrayBuffer();
    } catch {
      // still busy: try again
    }
    if (performance.now() - t < 200) break;
  }
  await sleep(200);
}

function warnStatuses(name: string, r: LoadResult) {
  const odd = Object.entries(r.statuses).filter(([code]) => !/^(200|302|303)$/.test(code));
  if (r.total === 0) console.log(`    ! ${name}: no response at all in this run`);
  else if (odd.length || r.errors)
    console.log(
      `    ! ${name}: statuses ${JSON.stringify(r.statuses)}, errors ${r.errors}, timeouts ${r.timeouts}`,
    );
}

async function runHttp(o: Options): Promise<{ figures: HttpFigure[]; startedWith: string }> {
  let targets = HTTP_TARGETS.filter((t) => !o.skip.includes(t.name));
  if (o.only) {
    const wanted = new Set(o.only);
    for (const t of HTTP_TARGETS) if (wanted.has(t.name) && t.ref) wanted.add(t.ref);
    targets = HTTP_TARGETS.filter((t) => wanted.has(t.name));
  }
  if (!targets.length) return { figures: [], startedWith: "" };
  await prepare(o.rebuild);
  const needed = new Set(targets.map((t) => t.server));
  const servers = new Map<ServerName, RunningServer>();
  let startedWith = "";
  try {
    if (needed.has("product")) {
      const p = await startProduct();
      startedWith = p.startedWith;
      servers.set("product", p);
    }
    if (needed.has("remix")) servers.set("remix", await startRemixReference());
    if (needed.has("node")) servers.set("node", await startNodeReference());
    const product = servers.get("product");
    const submitBody = product ? surveyBody(product.dbPath) : "";
    const bodyOf = (t: HttpTarget) => (t.name === "survey-submit" ? submitBody : t.body);
    const urlOf = (t: HttpTarget) => servers.get(t.server)!.baseUrl + t.path;
    const settleUrl = (t: HttpTarget) =>
      servers.get(t.server)!.baseUrl + (t.server === "product" ? "/healthz" : "/");

    console.log(
      `\nHTTP: servers on core 0 (product: node ${startedWith}), autocannon on core 1, ${o.connections} connections, ` +
        `${o.repeats} × ${o.duration} s, round-robin`,
    );
    // Warm up every target (JIT, caches), results discarded; check the answers are what we expect.
    for (const t of targets) {
      const r = await load({
        url: urlOf(t),
        method: t.method,
        body: bodyOf(t),
        connections: o.connections,
        duration: Math.min(3, o.duration),
      });
      warnStatuses(`${t.name} (warm-up)`, r);
      await settle(settleUrl(t));
    }
    const responsesBefore = product ? countResponses(product.dbPath) : 0;
    const runs = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
    for (let rep = 0; rep < o.repeats; rep++) {
      for (const t of targets) {
        const r = await load({
          url: urlOf(t),
          method: t.method,
          body: bodyOf(t),
          connections: o.connections,
          duration: o.duration,
        });
        warnStatuses(t.name, r);
        await settle(settleUrl(t));
        runs.get(t.name)!.push(r);
        console.log(
          `  [${rep + 1}/${o.repeats}] ${t.name.padEnd(15)} ${num(r.rps).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms`,
        );
      }
    }
    const halfRuns = new Map<string, LoadResult[]>();
    const halfRate = new Map<string, number>();
    const halfTargets = targets.filter((t) => t.half);
    for (const t of halfTargets) {
      halfRate.set(
        t.name,
        Math.max(1, Math.round(summarize(runs.get(t.name)!.map((r) => r.rps)).median / 2)),
      );
      halfRuns.set(t.name, []);
    }
    for (let rep = 0; rep < o.repeats; rep++) {
      for (const t of halfTargets) {
        const rate = halfRate.get(t.name)!;
        const r = await load({
          url: urlOf(t),
          method: t.method,
          body: bodyOf(t),
          connections: o.connections,
          duration: o.duration,
          overallRate: rate,
        });
        warnStatuses(`${t.name} at half load`, r);
        await settle(settleUrl(t));
        halfRuns.get(t.name)!.push(r);
        console.log(
          `  [${rep + 1}/${o.repeats}] ${t.name.padEnd(15)} at ${num(rate)} req/s: ${num(r.rps)} req/s  p99 ${r.p99} ms`,
        );
      }
    }
    const figures: HttpFigure[] = targets.map((t) => {
      const rs = runs.get(t.name)!;
      const hs = halfRuns.get(t.name) ?? [];
      return {
        name: t.name,
        describe: t.describe,
        ref: t.ref,
        goal: t.goal,
        runs: rs,
        halfRate: halfRate.get(t.name),
        halfRuns: hs,
        rps: summarize(rs.map((r) => r.rps)),
        p99: summarize(rs.filter((r) => r.total > 0).map((r) => r.p99)),
        halfP99: hs.length ? summarize(hs.filter((r) => r.total > 0).map((r) => r.p99)) : undefined,
      };
    });
    for (const f of figures) {
      const ref = f.ref ? figures.find((g) => g.name === f.ref) : undefined;
      if (!ref) continue;
      f.ratios = f.runs.map((r, i) => r.rps / (ref.runs[i]?.rps ?? Number.NaN));
      if (f.halfP99 && ref.halfP99) f.halfP99Ratio = f.halfP99.median / ref.halfP99.median;
    }
    if (product && runs.has("survey-submit")) {
      const accepted = [...runs.get("survey-submit")!, ...(halfRuns.get("survey-submit") ?? [])].reduce(
        (n, r) => n + (r.statuses["302"] ?? 0),
        0,
      );
      const stored = countResponses(product.dbPath) - responsesBefore;
      console.log(
        `  survey submissions: ${accepted.toLocaleString("en")} answered 302, ${stored.toLocaleString("en")} new rows in survey_responses`,
      );
      if (stored < accepted) console.log("  ! fewer rows than accepted submissions");
    }
    const fails = product?.output().match(/"level":(50|60)/g);
    if (fails) console.log(`  ! the product logged ${fails.length} errors during the run`);
    return { figures, startedWith };
  } finally {
    for (const s of servers.values()) await s.stop();
  }
}

// ---- Output ----

interface Row {
  figure: string;
  product: string;
  reference: string;
  ratio: string;
  goal: string;
  reached: string;
}

function httpRows(figures: HttpFigure[]): Row[] {
  const rows: Row[] = [];
  for (const f of figures) {
    const ref = f.ref ? figures.find((g) => g.name === f.ref) : undefined;
    const rs = f.ratios ? summarize(f.ratios) : undefined;
    const isRef = !f.ref;
    const allAbove = f.goal !== undefined && f.ratios ? f.ratios.every((r) => r >= f.goal!) : undefined;
    rows.push({
      figure: `${f.describe}: req/s${isRef ? "" : ` (p99 ${num(f.p99.median)} ms)`}`,
      product: isRef ? "" : range(f.rps),
      reference: isRef
        ? `${range(f.rps)} (p99 ${num(f.p99.median)} ms)`
        : ref
          ? `${ref.name} ${num(ref.rps.median)}`
          : "",
      ratio: rs ? range(rs) : "",
      goal: f.goal !== undefined ? `≥ ${f.goal} (every repeat)` : "",
      reached: allAbove === undefined ? "" : allAbove ? "yes" : "no",
    });
    if (f.halfP99) {
      const goal = f.ref && f.name !== "survey-submit" ? 1.5 : undefined;
      rows.push({
        figure: `${f.describe}: p99 at half load (${num(f.halfRate!)} req/s)`,
        product: isRef ? "" : `${range(f.halfP99)} ms`,
        reference: isRef
          ? `${range(f.halfP99)} ms`
          : ref?.halfP99
            ? `${ref.name} ${num(ref.halfP99.median)} ms`
            : "",
        ratio: f.halfP99Ratio !== undefined ? num(f.halfP99Ratio) : "",
        goal: goal !== undefined ? `≤ ${goal}` : "",
        reached:
          goal !== undefined && f.halfP99Ratio !== undefined ? (f.halfP99Ratio <= goal ? "yes" : "no") : "",
      });
    }
  }
  return rows;
}

function dataRows(figures: DataFigure[]): Row[] {
  return figures.flatMap((f) =>
    f.rows.map((r) => ({
      figure: r.figure,
      product: r.product,
      reference: r.reference,
      ratio: r.ratio ? range(r.ratio) : "",
      goal: r.goal ?? "",
      reached: r.reached === undefined ? "" : r.reached ? "yes" : "no",
    })),
  );
}

function table(rows: Row[]): string {
  const head =
    "| figure | product: median (range) | reference, same run | ratio: median (range) | goal | reached |";
  const sep = "| --- | --- | --- | --- | --- | --- |";
  const esc = (s: string) => s.replaceAll("|", "\\|");
  return [
    head,
    sep,
    ...rows.map(
      (r) => `| ${[r.figure, r.product, r.reference, r.ratio, r.goal, r.reached].map(esc).join(" | ")} |`,
    ),
  ].join("\n");
}

function printRows(rows: Row[]) {
  const w = [52, 28, 34, 22, 20];
  const pad = (s: string, n: number) => (s.length > n ? s : s.padEnd(n));
  console.log(
    `\n${pad("figure", w[0]!)} ${pad("product", w[1]!)} ${pad("reference", w[2]!)} ${pad("ratio", w[3]!)} ${pad("goal", w[4]!)} reached`,
  );
  for (const r of rows)
    console.log(
      `${pad(r.figure, w[0]!)} ${pad(r.product, w[1]!)} ${pad(r.reference, w[2]!)} ${pad(r.ratio, w[3]!)} ${pad(r.goal, w[4]!)} ${r.reached}`,
    );
}

const START = "<!-- bench:start (rewritten by npm run bench) -->";
const END = "<!-- bench:end -->";

function writeDocs(md: string) {
  const file = path.join(ROOT, "docs/performance.md");
  let text = fs.existsSync(file)
    ? fs.readFileSync(file, "utf8")
    : "# Performance\n\nThe latest `npm run bench` run (see bench/run.ts for what each figure is).\n\n";
  if (text.includes(START) && text.includes(END))
    text = `${text.slice(0, text.indexOf(START))}${START}\n${md}\n${text.slice(text.indexOf(END))}`;
  else text = `${text.trimEnd()}\n\n${START}\n${md}\n${END}\n`;
  fs.writeFileSync(file, text);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const m = machine();
  const date = new Date();
  console.log(
    `npm run bench: ${m.cpu}, ${m.cores} cores, Node ${m.node}, commit ${m.commit}; ${o.repeats} repeats` +
      (o.quick ? " (--quick)" : "") +
      (o.only ? `; only ${o.only.join(",")}` : ""),
  );
  if (m.cores < 2) console.log("! fewer than 2 cores: server and load generator share one");
  const http = await runHttp(o);
  const data: DataFigure[] = [];
  for (const t of DATA_TARGETS) {
    if ((o.only && !o.only.includes(t.name)) || o.skip.includes(t.name)) continue;
    console.log(`\n${t.describe}`);
    data.push(await t.run({ repeats: o.repeats, quick: o.quick }));
  }
  const rows = [...httpRows(http.figures), ...dataRows(data)];
  printRows(rows);

  const day = date.toISOString().slice(0, 10);
  fs.mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
  // A run of some targets (`--only`) keeps the day's full run: it writes beside it.
  const out = path.join(ROOT, `bench/results/${day}${o.only ? "-only" : ""}.json`);
  fs.writeFileSync(
    out,
    `${JSON.stringify(
      {
        date: date.toISOString(),
        machine: m,
        options: o,
        loadGenerator: "autocannon 8 (bench/load.ts), child process on core 1",
        product: `node ${http.startedWith}`,
        http: http.figures,
        data,
        table: rows,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nwrote ${path.relative(ROOT, out)}`);
  if (o.docs && !o.only) {
    const md = [
      `Run of ${date.toISOString().slice(0, 16).replace("T", " ")} UTC on ${m.cpu}, ${m.cores} cores, ` +
        `${m.memory}, Node ${m.node}, ${m.os}, commit ${m.commit}. ${o.repeats} repeats` +
        `${o.quick ? " (--quick)" : ""}; HTTP: server pinned to core 0, autocannon on core 1, ` +
        `${o.connections} connections, ${o.duration} s a repeat; the product ran as \`node ${http.startedWith}\`.` +
        " Ratios are per repeat (product and reference measured in the same round).",
      "",
      table(rows),
    ].join("\n");
    writeDocs(md);
    console.log("rewrote the table in docs/performance.md");
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
