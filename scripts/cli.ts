/**
 * What every command-line script shares (`npm run report`, `purge:contacts`, `db:migrate`,
 * `db:seed`): strict arguments with a usage line, and an end. A scheduled or scripted run must
 * finish with its status (0 when it did its work, non-zero with a one-line reason when it could
 * not), so each script closes what it opened (database, Redis, queues) in `finally`, and runCli
 * sets the status. Should something still be open a few seconds later (a connection nobody
 * closed), it says what and exits anyway rather than hang.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { EnvError } from "../app/utils/env.server";

/** A bad argument: exit status 2 and the usage line. */
export class UsageError extends Error {}

/** parseArgs, strict (an unknown option is an error), with the usage line on any mistake. */
export function parseCliArgs<T extends ParseArgsConfig>(config: T, usage: string) {
  try {
    return parseArgs({ strict: true, allowPositionals: false, ...config });
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : e}\n${usage}`);
  }
}

/** Seconds the process may take to end once `main` is done, before it is told to. */
export const LINGER_MS = 5_000;

/**
 * Runs a script's main function and ends the process with its status: main's number (0 when
 * it returns nothing), 2 for a UsageError, 1 for anything else it throws.
 */
export function runCli(name: string, main: () => Promise<number | undefined>): void {
  main().then(
    (code) => finish(name, code ?? 0),
    (e: unknown) => {
      if (e instanceof UsageError || e instanceof EnvError) console.error(e.message);
      else if (e instanceof Error) console.error(`${name} failed: ${e.stack ?? e.message}`);
      else console.error(`${name} failed: ${String(e)}`);
      finish(name, e instanceof UsageError ? 2 : 1);
    },
  );
}

function finish(name: string, code: number): void {
  process.exitCode = code;
  // Unreferenced: when everything is closed the process ends at once and this never fires.
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== "Timeout");
    console.error(`${name}: still open ${LINGER_MS / 1000} s after finishing (${open.join(", ")}); exiting.`);
    process.exit(code);
  }, LINGER_MS).unref();
}
