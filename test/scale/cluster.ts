import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { sleep, until, unusedPort } from "../setup/wait";
import { spawnPledge, spawnWorker, type WorkerProcess } from "../setup/worker-process";

/**
 * The pieces of a scaled-out Pledge for the scale harness: web processes on fixed ports (so a
 * killed one comes back where the proxy expects it), workers, a Redis of the harness's own and a
 * reverse proxy in front. Nothing here touches the shared Redis on 6379.
 */

export const METRICS_TOKEN = "scale-harness-metrics-token-0123456789";

export interface WebProcess {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** sends the signal (SIGTERM by default) and waits for the process to end */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `node build/server/web.js` (or server.ts through tsx) on the given port. */
export async function startWeb(name: string, port: number, env: Record<string, string>): Promise<WebProcess> {
  const { child, output, exited } = await spawnPledge(
    "web",
    { HOST: "127.0.0.1", PORT: String(port), METRICS_TOKEN, ...env },
    `web ${name}`,
  );
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    output,
    exited,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A worker with its /metrics on a port of its own (METRICS_PORT=0), once that port is known. */
export async function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const w = await spawnWorker({ METRICS_TOKEN, METRICS_PORT: "0", HOST: "127.0.0.1", ...env });
  await until(`the worker's metrics address (contract 2):\n${w.output()}`, async () => w.metricsUrl, 10_000);
  return w;
}

// ---- Redis of our own ----

export interface OwnRedis {
  port: number;
  url: string;
  dir: string;
  /** SHUTDOWN (the append-only file is written) and start again on the same data */
  restart(): Promise<void>;
  /** stops it, deletes its data and starts an empty one on the same port: a Redis that lost everything */
  wipe(): Promise<void>;
  cli(...args: string[]): string;
  close(): Promise<void>;
}

/** redis-server on a free port with its own directory and an append-only file. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-scale-redis-"));
  const port = await unusedPort();
  let child: ChildProcess | undefined;
  const cli = (...args: string[]) =>
    execFileSync("redis-cli", ["-p", String(port), ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  const start = async () => {
    child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--dir", dir],
      { stdio: "ignore" },
    );
    await until("our Redis to answer", async () => {
      try {
        return cli("ping") === "PONG";
      } catch {
        return false;
      }
    });
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child?.once("exit", r));
    try {
      cli("shutdown");
    } catch {
      // SHUTDOWN closes the connection before answering
    }
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    cli,
    async restart() {
      await stop();
      await start();
    },
    async wipe() {
      await stop();
      for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
      await start();
    },
    async close() {
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child?.once("exit", r));
        child.kill("SIGKILL");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- The reverse proxy ----

export interface ReverseProxy {
  kind: "nginx" | "node:http";
  url: string;
  close(): Promise<void>;
}

export const NGINX = "/usr/sbin/nginx";

/**
 * nginx (Debian's package) in front of the web processes when it is installed, else a few lines
 * of node:http doing the same round robin. Both add X-Forwarded-For and try the next process when
 * one refuses the connection (an idempotent request only: a POST that reached a killed process is
 * answered 502, never sent twice).
 */
export async function startProxy(upstreamPorts: number[]): Promise<ReverseProxy> {
  const port = await unusedPort();
  if (fs.existsSync(NGINX) && !process.env.SCALE_NODE_PROXY) return startNginx(port, upstreamPorts);
  return startNodeProxy(port, upstreamPorts);
}

async function startNginx(port: number, upstreamPorts: number[]): Promise<ReverseProxy> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-scale-nginx-"));
  fs.chmodSync(dir, 0o755);
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const conf = `
${asRoot ? "user root;" : ""}
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream pledge {
${upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=1s;`).join("\n")}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 20m;
    location / {
      proxy_pass http://pledge;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 1s;
      proxy_read_timeout 60s;
    }
  }
}
`;
  fs.writeFileSync(path.join(dir, "nginx.conf"), conf);
  const child = spawn(
    NGINX,
    ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-e", path.join(dir, "error.log")],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stderr?.on("data", (d) => {
    out += d.toString();
  });
  const exited = new Promise((r) => child.once("exit", r));
  await until(`nginx to listen (${out})`, async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${out}`);
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
      return true;
    } catch {
      return false;
    }
  });
  return {
    kind: "nginx",
    url: `http://127.0.0.1:${port}`,
    async close() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startNodeProxy(port: number, upstreamPorts: number[]): Promise<ReverseProxy> {
  let next = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const idempotent = req.method === "GET" || req.method === "HEAD";
    const tryUpstream = (attempt: number) => {
      const upstream = upstreamPorts[next++ % upstreamPorts.length]!;
      const headers = { ...req.headers };
      const xff = req.headers["x-forwarded-for"];
      headers["x-forwarded-for"] = xff ? `${xff}, ${req.socket.remoteAddress}` : req.socket.remoteAddress;
      const out = http.request(
        { host: "127.0.0.1", port: upstream, method: req.method, path: req.url, headers, agent },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code === "ECONNREFUSED" && (idempotent || attempt === 0) && attempt < upstreamPorts.length)
          return tryUpstream(attempt + 1); // refused: nothing was sent, another process may take it
        if (!res.headersSent) res.writeHead(502).end();
        else res.destroy();
      });
      req.pipe(out);
    };
    tryUpstream(0);
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    kind: "node:http",
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      agent.destroy();
    },
  };
}

// ---- /metrics ----

export type Samples = Map<string, number>;

/** Reads a /metrics page (with the token) into `name{labels}` → value. */
export async function readMetrics(url: string): Promise<Samples> {
  const res = await fetch(url, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status} (is /metrics built? contract 2)`);
  const samples: Samples = new Map();
  for (const line of (await res.text()).split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = line.match(/^(\S+?(?:\{.*\})?)\s+(\S+)(?:\s+\d+)?$/);
    if (m) samples.set(m[1]!, Number(m[2]));
  }
  return samples;
}

/** The sum of a metric's samples whose labels include all of `labels`. */
export function sum(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const [key, value] of samples) {
    const brace = key.indexOf("{");
    const metric = brace === -1 ? key : key.slice(0, brace);
    if (metric !== name) continue;
    const labelText = brace === -1 ? "" : key.slice(brace);
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) total += value;
  }
  return total;
}

/** Waits a little for in-flight log lines to land, then lists the lines of `text` matching `re`. */
export async function linesMatching(texts: string[], re: RegExp): Promise<string[]> {
  await sleep(200);
  return texts.flatMap((t) => t.split("\n")).filter((l) => re.test(l));
}
