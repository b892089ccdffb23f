/**
 * `npm run admin:create -- --username NAME [--name "Full name"] [--email ADDRESS]`: creates a
 * system administrator, the first account of a production database (which starts empty: see
 * `npm run start:web` and `npm start -- --no-demo`), or a way back in.
 *
 * The password is never an argument (it would sit in the shell's history and in `ps`): it is
 * read from standard input when that is piped (`printf '%s' "$PW" | npm run admin:create -- …`,
 * the first line) and asked for twice, without echo, at a terminal. The same rules as the
 * administration pages apply (app/models/staff/schema.ts): a username in use, a password under
 * the minimum or a malformed address is refused and nothing is written.
 */
import { createSystemAdmin } from "../app/models/staff/accounts.server";
import { FirstAdminSchema } from "../app/models/staff/schema";
import { loadEnv } from "../app/utils/env.server";
import { tFor } from "../app/utils/meta";
import { createDb } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { parseCliArgs, runCli, UsageError } from "./cli";

const USAGE = 'Usage: npm run admin:create -- --username NAME [--name "Full name"] [--email ADDRESS]';

/** The first line of a piped standard input. */
async function readPipedLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
}

/** Asks at the terminal without echoing what is typed. */
function askHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let value = "";
    const end = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write("\n");
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") {
          end();
          resolve(value);
          return;
        }
        if (ch === "\u0003") {
          end();
          reject(new UsageError("Cancelled: nothing was created."));
          return;
        }
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    process.stdout.write(question);
    stdin.setEncoding("utf8");
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readPipedLine();
  const first = await askHidden("Password for the new administrator: ");
  const again = await askHidden("The same password again: ");
  if (first !== again) throw new UsageError("The two passwords differ: nothing was created.");
  return first;
}

runCli("admin:create", async () => {
  if (process.argv.some((a) => a === "--password" || a.startsWith("--password="))) {
    throw new UsageError(
      `The password is never an argument: pipe it on standard input or type it when asked.\n${USAGE}`,
    );
  }
  const { values } = parseCliArgs(
    { options: { username: { type: "string" }, name: { type: "string" }, email: { type: "string" } } },
    USAGE,
  );
  if (!values.username) throw new UsageError(`--username is required.\n${USAGE}`);
  const env = loadEnv();
  const password = await readPassword();
  if (password === "") {
    console.error(
      "No password was given: pipe it on standard input, or run this at a terminal to be asked. " +
        "Nothing was created.",
    );
    return 1;
  }
  const parsed = FirstAdminSchema.safeParse({
    username: values.username,
    displayName: values.name ?? values.username,
    email: values.email ?? "",
    password,
  });
  const t = tFor("en");
  if (!parsed.success) {
    const option: Record<string, string> = {
      username: "--username",
      displayName: "--name",
      email: "--email",
      password: "the password",
    };
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]);
      console.error(`${option[field] ?? field}: ${t(issue.message)}`);
    }
    console.error("Nothing was created.");
    return 1;
  }
  const db = createDb(env.DATABASE_URL);
  try {
    await migrateToLatest(db);
    const result = await createSystemAdmin(db, parsed.data);
    if (!result.ok) {
      console.error(`--username: ${t(`admin.errors.${result.error}`)} Nothing was created.`);
      return 1;
    }
    console.log(
      `Created system administrator "${parsed.data.username}" (account #${result.id}). ` +
        "Sign in at /staff/sign-in with this username and the password you gave.",
    );
  } finally {
    await db.destroy();
  }
  return 0;
});
