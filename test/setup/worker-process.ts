import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * How to start a web or worker process: the production bundle (`node build/server/web.js`,
 * `build/server/worker.js`, from `npm run build`) when it exists, else the TypeScript sources
 * through tsx. Every test that starts a real process goes through here.
 */
export function pledgeCommand(kind: "web" | "worker"): string[] {
  const bundle = path.resolve("build/server", `${kind}.js`);
  if (fs.existsSync(bundle)) return [bundle];
  return ["--import", "tsx", kind === "web" ? "server.ts" : "jobs/worker.ts"];
}

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** resolves with the exit code (null when killed by a signal) */
  exited: Promise<number | null>;
  /** where its /metrics answers (METRICS_PORT set), else null */
  metricsUrl: string | null;
  /** sends the signal and waits for the process to end */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface PledgeProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Spawns a web or worker process (pledgeCommand) and waits for its ready line: "listening on" for
 * the web, "Pledge worker ready" for a worker. Rejects with its output if it exits first.
 */
export async function spawnPledge(
  kind: "web" | "worker",
  env: Record<string, string>,
  label: string = kind,
): Promise<PledgeProcess> {
  const child = spawn(process.execPath, pledgeCommand(kind), {
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d) => {
    out += d.toString();
  });
  const ready = kind === "web" ? /listening on http:\/\/localhost:\d+/ : /Pledge worker ready/;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} not ready:\n${out}`)), 30_000);
    const check = () => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code}:\n${out}`));
    });
  });
  return { child, output: () => out, exited };
}

/** Starts the real worker process (jobs/worker.ts) and waits until it says it is ready. */
export async function spawnWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const { child, output, exited } = await spawnPledge("worker", env);
  const out = () => output();
  return {
    child,
    output: out,
    get metricsUrl() {
      const port = out().match(/Pledge worker metrics on http:\/\/[^:\s]+:(\d+)/)?.[1];
      return port ? `http://127.0.0.1:${port}/metrics` : null;
    },
    exited,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
