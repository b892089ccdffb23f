/**
 * The load generator of `npm run bench`, run as its own process pinned to the other core
 * (`taskset -c 1 node --import tsx bench/load.ts '<json>'`): autocannon with the given options;
 * prints one line of JSON with the figures run.ts needs.
 */
import autocannon from "autocannon";

interface LoadOptions {
  url: string;
  method?: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  duration: number;
  overallRate?: number;
}

const o = JSON.parse(process.argv[2] ?? "{}") as LoadOptions;
// `[<id>]` in the body becomes a unique id per request: every submission is a new row.
// (autocannon's own idReplacement sent nothing at all with a form body in 8.0.0.)
const unique = `${process.pid.toString(36)}${Date.now().toString(36)}`;
let sent = 0;
const template = o.body;
autocannon(
  {
    url: o.url,
    method: o.method ?? "GET",
    connections: o.connections,
    duration: o.duration,
    headers: o.headers,
    body: o.body,
    ...(template?.includes("[<id>]")
      ? {
          requests: [
            {
              setupRequest: (req: autocannon.Request) => {
                req.body = template.replaceAll("[<id>]", `${unique}-${++sent}`);
                return req;
              },
            },
          ],
        }
      : {}),
    ...(o.overallRate ? { overallRate: o.overallRate } : {}),
  },
  (err, r) => {
    if (err) {
      console.error(err);
      process.exit(1);
    }
    const codes = r.statusCodeStats as Record<string, { count: number }> | undefined;
    console.log(
      JSON.stringify({
        rps: r.requests.average,
        total: r.requests.total,
        p50: r.latency.p50,
        p99: r.latency.p99,
        errors: r.errors,
        timeouts: r.timeouts,
        non2xx: r.non2xx,
        statuses: Object.fromEntries(Object.entries(codes ?? {}).map(([k, v]) => [k, v.count])),
      }),
    );
  },
);
