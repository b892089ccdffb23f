/**
 * `npm run <program>` for the operator programs (db:migrate, import, report, backup, …). Plain
 * JavaScript, so it needs nothing but Node:
 * - in production (NODE_ENV=production, or no tsx installed: `npm ci --omit=dev`) it runs the
 *   bundle `npm run build` made, build/server/<program>.js, in this same process;
 * - in development (tsx installed) it runs the TypeScript source through tsx, so an edit counts
 *   without a build.
 * docs/decisions/0015-production-bundles.md.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** Program → its source. scripts/bundle.ts bundles each into build/server/<program>.js. */
export const PROGRAMS = {
  web: "server.ts",
  worker: "jobs/worker.ts",
  migrate: "db/migrate.ts",
  seed: "db/seed.ts",
  import: "scripts/import.ts",
  report: "scripts/report.ts",
  backup: "scripts/backup.ts",
  restore: "scripts/restore.ts",
  "admin-create": "scripts/admin-create.ts",
  "purge-contacts": "scripts/purge-contacts.ts",
  "demo-government": "scripts/demo-government.ts",
};

async function main() {
  const [name, ...args] = process.argv.slice(2);
  const source = name ? PROGRAMS[name] : undefined;
  if (!source) {
    console.error(`Usage: node scripts/run.mjs <${Object.keys(PROGRAMS).join("|")}> [arguments]`);
    process.exit(2);
  }
  const bundle = path.resolve("build/server", `${name}.js`);
  const hasTsx = fs.existsSync(path.resolve("node_modules/tsx/package.json"));
  const production = process.env.NODE_ENV === "production" || !hasTsx;
  if (production) {
    if (!fs.existsSync(bundle)) {
      console.error(`${path.relative(".", bundle)} is missing: run \`npm run build\` first.`);
      process.exit(1);
    }
    // The bundle's own "am I the program?" test compares its URL with argv[1].
    process.argv = [process.argv[0], bundle, ...args];
    await import(pathToFileURL(bundle).href);
    return;
  }
  const child = spawn(process.execPath, ["--import", "tsx", source, ...args], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
