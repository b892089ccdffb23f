/**
 * Survey submission through the running app beside a bare Remix action that inserts one row,
 * measured in the same run with autocannon (50 connections). Prints req/s and latency; then both
 * again at half the bare maximum rate, where p99 is not just queueing (performance.md lesson 5).
 *   npx tsx scripts/bench-submit.ts [seconds=10]
 */
import autocannon from "autocannon";
import { createDb } from "../db/client";
import setup from "../test/setup/global-setup";
import { startServer } from "../test/setup/server";

const seconds = Number(process.argv[2] ?? 10);

function run(url: string, body: string, rate?: number) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url,
        method: "POST",
        connections: 50,
        duration: seconds,
        headers: { "content-type": "application/x-www-form-urlencoded", origin: new URL(url).origin },
        body,
        ...(rate ? { overallRate: rate } : {}),
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

function line(name: string, r: autocannon.Result) {
  return `${name.padEnd(28)} ${String(Math.round(r.requests.average)).padStart(6)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  errors ${r.errors}  responses ${JSON.stringify(r.statusCodeStats ?? {})}`;
}

async function main() {
  await setup();
  const server = await startServer({
    PLEDGE_BENCH: "1",
    SURVEY_RATE_PER_ADDRESS: "1000000000",
    SURVEY_RATE_PER_POINT: "1000000000",
    LOG_LEVEL: "error",
  });
  try {
    const db = createDb(server.dbPath);
    const s = await db
      .selectFrom("surveys")
      .selectAll()
      .where("slug", "=", "immdcsat")
      .executeTakeFirstOrThrow();
    const qs = await db
      .selectFrom("survey_questions")
      .select(["id", "question_key"])
      .where("version_id", "=", s.current_version_id!)
      .execute();
    await db.destroy();
    const q = Object.fromEntries(qs.map((x) => [x.question_key, `q${x.id}`]));
    const surveyBody = new URLSearchParams({
      versionId: String(s.current_version_id),
      p: "immdcsatctr",
      [q.overall!]: "4",
      [q.courtesy!]: "5",
      [q.waiting!]: "3",
      [q.clarity!]: "4",
      [q.comments!]: "Quick and friendly service",
    }).toString();
    const bareBody = "value=benchmark";
    // Warm up both paths.
    await run(`${server.baseUrl}/bench/bare`, bareBody).catch(() => undefined);
    const bare = await run(`${server.baseUrl}/bench/bare`, bareBody);
    const survey = await run(`${server.baseUrl}/s/immdcsat?p=immdcsatctr`, surveyBody);
    console.log(`autocannon, 50 connections, ${seconds} s each, server and load generator on this machine`);
    console.log(line("bare action (1 insert)", bare));
    console.log(line("survey submission", survey));
    console.log(`ratio survey/bare: ${(survey.requests.average / bare.requests.average).toFixed(2)}`);
    const half = Math.round(bare.requests.average / 2);
    const bareHalf = await run(`${server.baseUrl}/bench/bare`, bareBody, half);
    const surveyHalf = await run(`${server.baseUrl}/s/immdcsat?p=immdcsatctr`, surveyBody, half);
    console.log(`at ${half} req/s (half the bare maximum):`);
    console.log(line("bare action (1 insert)", bareHalf));
    console.log(line("survey submission", surveyHalf));
  } finally {
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
