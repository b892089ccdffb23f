import type { LoaderFunctionArgs } from "@remix-run/node";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCase } from "~/models/cases/intake.server";
import { logFeedback } from "~/models/feedback/entries.server";
import { generateDepartmentReport } from "~/models/reports/build.server";
import { reportHrefs } from "~/models/reports/links";
import type { DepartmentReport } from "~/models/reports/schema";
import { loader as reportLoader } from "~/routes/reports.$id";
import { loader as casesLoader } from "~/routes/staff.cases._index";
import { loader as feedbackLoader } from "~/routes/staff.feedback";
import { loader as pledgeLoader } from "~/routes/staff.pledges.$id";
import { loader as surveysLoader } from "~/routes/staff.surveys._index";
import { loader as surveyResultsLoader } from "~/routes/staff.surveys.$id.results";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { getRequest, settle } from "../setup/requests";
import { signInAs } from "../setup/session";
import { storeTestResponse } from "../setup/survey-responses";

/*
 * Done-when #3 of issue 14: every link of a monthly report opens, for a manager of the department
 * and, read-only, for the central reviewer: no 404 and no 403. Each href of the report's view
 * model is resolved to the route that answers it (as Remix would) and that route's loader is run.
 */

const NOW = new Date("2026-11-27T04:00:00Z");
const MONTH = "2026-10";

type Loader = (args: LoaderFunctionArgs) => Promise<unknown>;

/** The route of a staff path, with its params, as the app's flat routes name them. */
function routeOf(pathname: string): { loader: Loader; params: Record<string, string> } {
  const routes: Array<[RegExp, Loader, string[]]> = [
    [/^\/staff\/cases$/, casesLoader as Loader, []],
    [/^\/staff\/feedback$/, feedbackLoader as Loader, []],
    [/^\/staff\/surveys$/, surveysLoader as Loader, []],
    [/^\/staff\/surveys\/([^/]+)\/results$/, surveyResultsLoader as Loader, ["id"]],
    [/^\/staff\/pledges\/([^/]+)$/, pledgeLoader as Loader, ["id"]],
  ];
  for (const [re, loader, names] of routes) {
    const m = re.exec(pathname);
    if (m) return { loader, params: Object.fromEntries(names.map((n, i) => [n, m[i + 1]!])) };
  }
  throw new Error(`a report links to ${pathname}, which this test does not know the route of`);
}

describe.each(DB_KINDS)("every link of a monthly report opens [%s]", (kind) => {
  const app = useTestApp(kind);

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A month with something in every section: surveys, feedback (one important), cases, pledges. */
  async function reportWithEverything(): Promise<{ id: number; data: DepartmentReport }> {
    const immd = (
      await app.db.selectFrom("departments").select("id").where("code", "=", "IMMD").executeTakeFirstOrThrow()
    ).id;
    const counter = await app.db
      .selectFrom("staff_users")
      .select("id")
      .where("username", "=", "counter.immd")
      .executeTakeFirstOrThrow();
    await storeTestResponse(app.db, "immdcsat", {
      at: "2026-10-05T03:00:00.000Z",
      answers: { overall: "5", comments: "Quick" },
      channel: "web",
      point: "immdcsatweb",
    });
    await storeTestResponse(app.db, "immdcsat", {
      at: "2026-10-06T03:00:00.000Z",
      answers: { overall: "2" },
      channel: "counter",
      point: "immdcsatctr",
    });
    await storeTestResponse(app.db, "immdcase", {
      at: "2026-10-07T03:00:00.000Z",
      answers: { overall: "4" },
      channel: "email",
      point: "immdcasemail",
    });
    for (const [kind, important] of [
      ["complaint", true],
      ["compliment", false],
    ] as const) {
      vi.setSystemTime(new Date("2026-10-10T02:00:00.000Z"));
      await logFeedback(
        app.db,
        app.context.env.PII_KEY,
        { id: counter.id, departmentId: immd },
        {
          kind,
          channel: "counter",
          serviceId: null,
          summary: `A ${kind}`,
          language: "en",
          important,
          wantsReply: false,
        },
      );
    }
    await createCase(app.db, app.context.env.PII_KEY, {
      departmentId: immd,
      serviceId: null,
      channel: "web",
      language: "en",
      whatHappened: "No answer",
      desiredOutcome: "An answer",
      contact: {},
      consent: true,
      receivedAt: "2026-10-02T02:00:00.000Z",
    });
    vi.setSystemTime(NOW);
    return generateDepartmentReport(app.db, immd, MONTH, NOW).then(async ({ id }) => {
      // The report's view model as its page gives it (links of a stored report, as shown).
      const cookie = await signInAs(app.c, "manager.immd");
      const view = (await reportLoader({
        request: getRequest(`/reports/${id}`, { cookie }),
        params: { id: String(id) },
        context: app.context,
      })) as { report: { data: DepartmentReport } };
      return { id, data: view.report.data };
    });
  }

  async function openEveryLink(username: string) {
    const { data } = await reportWithEverything();
    const hrefs = reportHrefs(data);
    // Something in every section, so every kind of link is tried.
    for (const prefix of ["/staff/cases?", "/staff/feedback?", "/staff/surveys/", "/staff/pledges/"]) {
      expect(
        hrefs.some((h) => h.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
    const cookie = await signInAs(app.c, username);
    const failures: string[] = [];
    for (const href of hrefs) {
      const url = new URL(href, "http://pledge.test");
      const { loader, params } = routeOf(url.pathname);
      const response = await settle(() =>
        loader({ request: getRequest(href, { cookie }), params, context: app.context }),
      );
      if (response.status === 404 || response.status === 403 || response.status >= 500)
        failures.push(`${response.status} ${href}`);
    }
    expect(failures).toEqual([]);
    return hrefs;
  }

  it("a manager of the department opens every link: precise lists, the read-only pledge page", async () => {
    const hrefs = await openEveryLink("manager.immd");
    expect(hrefs).toContain("/staff/cases?dept=IMMD&received_month=2026-10");
    expect(hrefs).toContain("/staff/feedback?dept=IMMD&month=2026-10&fi=1");
    expect(hrefs.some((h) => h.startsWith("/admin/"))).toBe(false);
  });

  it("the central reviewer opens every link, read-only (no 404 as before)", async () => {
    await openEveryLink("reviewer");
  });
});
