import type { Db } from "../../../db/client";
import type { Pledge, PledgeVersion } from "../../../db/schema";
import { lastCompleteMonths, quarterOf } from "../calendar/periods";
import { hkMonth } from "../calendar/time";
import { listServices } from "../departments/departments.server";
import { listImports } from "./imports.server";
import { listPledgeVersions, PLEDGE_TRANSITIONS, type PledgeMove } from "./registry.server";
import { pledgeResults } from "./results.server";
import { satisfactionQuestions } from "./survey-choices.server";
import { listUnmetNotes } from "./unmet-notes.server";

/*
 * What a pledge's admin pages show, built from the database: the pledge's own page (results by
 * month, quarter and year, unmet notes, the data it is measured by, its versions) and which data
 * a version is measured by (which entry forms and which import the pages offer).
 */

/** Which data a pledge's version is measured by, and so which entry forms its page shows. */
export function dataKind(v: Pick<PledgeVersion, "target_kind" | "timeliness_source">) {
  if (v.target_kind === "measured") return "readings" as const;
  if (v.target_kind === "timeliness" && v.timeliness_source === "transactions")
    return "transactions" as const;
  return null;
}

/** The pledge's current version (every pledge has one). */
export async function currentVersion(db: Db, pledge: Pledge): Promise<PledgeVersion> {
  return (await listPledgeVersions(db, pledge.id)).find((v) => v.id === pledge.current_version_id)!;
}

/**
 * A pledge's admin page: its versions (newest first) and the current one, its results for the last
 * twelve complete months and their quarters and years (oldest first), its unmet notes, the moves
 * its status allows, the form's choices, and the newest imports of the data it is measured by.
 */
export async function pledgePageView(db: Db, pledge: Pledge, now: Date = new Date()) {
  const versions = await listPledgeVersions(db, pledge.id);
  const current = versions.find((v) => v.id === pledge.current_version_id) ?? versions[0]!;
  const months = lastCompleteMonths(hkMonth(now), 12);
  const quarters = [...new Set(months.map(quarterOf))];
  const years = [...new Set(months.map((m) => m.slice(0, 4)))];
  const kind = dataKind(current);
  const [results, notes, services, surveys, imports] = await Promise.all([
    pledgeResults(db, pledge, [...months, ...quarters, ...years]),
    listUnmetNotes(db, pledge.id),
    listServices(db, pledge.department_id),
    satisfactionQuestions(db, pledge.department_id),
    kind ? listImports(db, pledge, kind) : Promise.resolve([]),
  ]);
  const moves = (Object.keys(PLEDGE_TRANSITIONS) as PledgeMove[]).filter((m) =>
    PLEDGE_TRANSITIONS[m].from.includes(pledge.status),
  );
  return {
    pledge: { id: pledge.id, code: pledge.code, status: pledge.status, serviceId: pledge.service_id },
    current,
    versions,
    months: results.slice(0, months.length).reverse(),
    quarters: results.slice(months.length, months.length + quarters.length).reverse(),
    years: results.slice(months.length + quarters.length).reverse(),
    notes,
    moves,
    services: services.map((s) => ({ id: s.id, nameEn: s.name_en, nameZh: s.name_zh })),
    surveys,
    kind,
    imports,
  };
}

export type PledgePageView = Awaited<ReturnType<typeof pledgePageView>>;
