import crypto from "node:crypto";
import autocannon from "autocannon";
import type { Db } from "../../db/client";
import { DEMO_PASSWORD } from "../../db/seed-data";

/**
 * A steady load from autocannon (its programmatic API, loopback only, bounded duration): citizens
 * answering a survey, citizens lodging complaints, signed-in staff reading their case list. Every
 * POST carries a unique marker in a free-text field (the survey's comment, the complaint's "what
 * happened"), and the ledger keeps what status each marker got, so the database can be checked
 * against what the clients were told.
 */

export interface LoadTarget {
  /** where the clients connect: the proxy, or the one web process */
  baseUrl: string;
  survey: { slug: string; body: (marker: string) => string };
  departmentId: number;
  /** a signed-in staff session cookie (`pledge_session=…`) */
  staffCookie: string;
}

export interface Ledger {
  run: string;
  /** marker → the status the client got (absent: no answer, the connection failed) */
  surveys: Map<string, number>;
  /** marker → status and, for a 303, the reference in its Location */
  complaints: Map<string, { status: number; ref: string | null }>;
  /** every status seen, all three kinds */
  statuses: Map<number, number>;
  staffViews: number;
  /** requests with no answer (connection reset, timeout) */
  errors: number;
}

export function newLedger(): Ledger {
  return {
    run: crypto.randomBytes(4).toString("hex"),
    surveys: new Map(),
    complaints: new Map(),
    statuses: new Map(),
    staffViews: 0,
    errors: 0,
  };
}

/** A citizen's address each time (as if behind their own connections): the per-address limits. */
const someAddress = () =>
  `10.${crypto.randomInt(0, 255)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(1, 255)}`;

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** Reads the survey page and returns how to post an answer with a comment. */
export async function surveyForm(baseUrl: string, slug: string): Promise<LoadTarget["survey"]> {
  const page = await (await fetch(`${baseUrl}/s/${slug}`)).text();
  const attr = (tag: string, name: string) => tag.match(new RegExp(`\\b${name}="([^"]*)"`))?.[1];
  const inputs = [...page.matchAll(/<input\b[^>]*>/g)].map((m) => m[0]);
  const versionId = attr(inputs.find((i) => attr(i, "name") === "versionId")!, "value")!;
  const ratings = [...new Set(inputs.map((i) => attr(i, "name") ?? "").filter((n) => /^q\d+$/.test(n)))];
  const comment = page.match(/<textarea\b[^>]*\bname="(q\d+)"/)?.[1];
  if (!versionId || !ratings.length || !comment) throw new Error(`survey ${slug}: no form found`);
  return {
    slug,
    body: (marker) =>
      new URLSearchParams({
        versionId,
        ...Object.fromEntries(ratings.map((q) => [q, "4"])),
        [comment]: marker,
      }).toString(),
  };
}

/** Signs a staff member in (through `baseUrl`) and returns the session and CSRF cookies. */
export async function signIn(
  baseUrl: string,
  username: string,
  password = DEMO_PASSWORD,
): Promise<{ status: number; session: string | null; csrf: string }> {
  const page = await fetch(`${baseUrl}/staff/sign-in`);
  const csrf = (page.headers.get("set-cookie") ?? "").match(/pledge_csrf=([^;]+)/)?.[1] ?? "";
  const res = await fetch(`${baseUrl}/staff/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Cookie: `pledge_csrf=${csrf}`,
      Origin: baseUrl,
    },
    body: new URLSearchParams({ csrf, username, password, redirectTo: "/staff" }),
  });
  const session =
    res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .find((c) => /^(__Host-)?pledge_session=/.test(c)) ?? null;
  return { status: res.status, session, csrf };
}

/**
 * Runs the three kinds of client side by side for `seconds` and records every answer in `ledger`
 * (one ledger can take several runs).
 */
export async function runLoad(
  target: LoadTarget,
  ledger: Ledger,
  options: { seconds: number; connections?: number },
): Promise<void> {
  const connections = options.connections ?? 4;
  let n = 0;
  const count = (status: number) => ledger.statuses.set(status, (ledger.statuses.get(status) ?? 0) + 1);
  const common = {
    url: target.baseUrl,
    duration: options.seconds,
    timeout: 30,
    pipelining: 1,
  } satisfies Partial<autocannon.Options>;
  type Ctx = { marker?: string };
  const surveys = run({
    ...common,
    connections,
    requests: [
      {
        method: "POST",
        path: `/s/${target.survey.slug}`,
        setupRequest: (req: autocannon.Request, context: Ctx) => {
          const marker = `scale-${ledger.run}-s${n++}`;
          context.marker = marker;
          return {
            ...req,
            headers: {
              "content-type": "application/x-www-form-urlencoded",
              "x-forwarded-for": someAddress(),
            },
            body: target.survey.body(marker),
          };
        },
        onResponse: (status: number, _body: string, context: Ctx) => {
          count(status);
          if (context.marker) ledger.surveys.set(context.marker, status);
        },
      },
    ],
  } as autocannon.Options);
  const complaints = run({
    ...common,
    connections: Math.max(1, connections >> 1),
    requests: [
      {
        method: "POST",
        path: "/complaints/new",
        setupRequest: (req: autocannon.Request, context: Ctx) => {
          const marker = `scale-${ledger.run}-c${n++}`;
          context.marker = marker;
          return {
            ...req,
            headers: {
              "content-type": "application/x-www-form-urlencoded",
              "x-forwarded-for": someAddress(),
            },
            body: new URLSearchParams({
              department: String(target.departmentId),
              whatHappened: `The counter closed early. ${marker}`,
              consent: "yes",
            }).toString(),
          };
        },
        onResponse: (status: number, _body: string, context: Ctx, headers: Record<string, string>) => {
          count(status);
          const location = headers.location ?? headers.Location ?? "";
          const ref = status === 303 ? new URL(location, target.baseUrl).searchParams.get("ref") : null;
          if (context.marker) ledger.complaints.set(context.marker, { status, ref });
        },
      },
    ],
  } as autocannon.Options);
  const staff = run({
    ...common,
    connections: Math.max(1, connections >> 1),
    requests: [
      {
        method: "GET",
        path: "/staff/cases",
        headers: { cookie: target.staffCookie },
        onResponse: (status: number) => {
          count(status);
          if (status === 200) ledger.staffViews++;
        },
      },
    ],
  } as autocannon.Options);
  for (const r of await Promise.all([surveys, complaints, staff])) ledger.errors += r.errors + r.timeouts;
}

export interface LedgerCheck {
  /** acknowledged (302/303) and not in the database */
  lost: string[];
  /** in the database more than once */
  twice: string[];
  /** acknowledged complaints whose reference is not the stored case's */
  wrongRef: string[];
  acknowledged: { surveys: number; complaints: number };
}

/** Compares the ledger with the database: every acknowledged marker once, no marker twice. */
export async function checkLedger(db: Db, ledger: Ledger): Promise<LedgerCheck> {
  const like = `scale-${ledger.run}-%`;
  const answers = await db
    .selectFrom("survey_answers")
    .select(["value_text as marker", (eb) => eb.fn.countAll().as("n")])
    .where("value_text", "like", like)
    .groupBy("value_text")
    .execute();
  const inDb = new Map(answers.map((a) => [a.marker!, Number(a.n)]));
  const cases = await db
    .selectFrom("cases")
    .select(["what_happened", "reference"])
    .where("what_happened", "like", `%${like}`)
    .execute();
  const caseRefs = new Map<string, string[]>();
  for (const c of cases) {
    const marker = c.what_happened.slice(c.what_happened.indexOf("scale-"));
    caseRefs.set(marker, [...(caseRefs.get(marker) ?? []), c.reference]);
  }
  const lost: string[] = [];
  const wrongRef: string[] = [];
  for (const [marker, status] of ledger.surveys)
    if (status === 302 && inDb.get(marker) !== 1) lost.push(marker);
  for (const [marker, { status, ref }] of ledger.complaints) {
    if (status !== 303) continue;
    const refs = caseRefs.get(marker) ?? [];
    if (refs.length === 0) lost.push(marker);
    else if (!refs.includes(ref ?? "")) wrongRef.push(`${marker}: told ${ref}, stored ${refs.join(",")}`);
  }
  const twice = [
    ...[...inDb].filter(([, n]) => n > 1).map(([m]) => m),
    ...[...caseRefs].filter(([, refs]) => refs.length > 1).map(([m]) => m),
  ];
  return {
    lost,
    twice,
    wrongRef,
    acknowledged: {
      surveys: [...ledger.surveys.values()].filter((s) => s === 302).length,
      complaints: [...ledger.complaints.values()].filter((c) => c.status === 303).length,
    },
  };
}

/** Statuses of 500 and above, except those a proxy gives for a process that is gone (502, 504). */
export function serverErrors(ledger: Ledger, allowed: number[] = []): Record<number, number> {
  return Object.fromEntries(
    [...ledger.statuses].filter(([status]) => status >= 500 && !allowed.includes(status)),
  );
}
