import crypto from "node:crypto";
import type { TargetKind } from "../../../db/schema";
import { instant, number, problemOf, score } from "./checks";
import type { ImportProblem } from "./format";
import type { Row } from "./table.server";

/*
 * The activity files' rows (transactions, survey responses, readings): each row checked, and
 * given a natural key — a hash of its values and its occurrence among identical rows of the
 * file — so that loading the same file again finds every row already stored.
 */

export type ActivityFile = "transactions.csv" | "survey_responses.csv" | "readings.csv";

/**
 * What a pledge takes activity as: its target kind, or "timeliness (cases)" for a timeliness
 * pledge measured by complaint cases (which takes no transactions).
 */
export type ActivityKind = TargetKind | "timeliness (cases)";

/** The stored version's activity kind. */
export function activityKindOf(v: {
  target_kind: TargetKind;
  timeliness_source: string | null;
}): ActivityKind {
  return v.target_kind === "timeliness" && v.timeliness_source !== "transactions"
    ? "timeliness (cases)"
    : v.target_kind;
}

/** The kind of pledge each activity file belongs to. */
export const KIND_OF_FILE: Record<ActivityFile, TargetKind> = {
  "transactions.csv": "timeliness",
  "survey_responses.csv": "satisfaction",
  "readings.csv": "measured",
};

/** Received to completed, at most (as pledges/transaction-checks MAX_SPAN_DAYS). */
const MAX_SPAN_MS = 1096 * 86_400_000;

export type ActivityItem =
  | { file: "transactions.csv"; pledge: string; receivedAt: string; completedAt: string | null }
  | { file: "survey_responses.csv"; pledge: string; submittedAt: string; score: number }
  | { file: "readings.csv"; pledge: string; takenAt: string; value: number };

/** One row checked: the item, or its problems. `kindOf` says what kind a pledge_id is (undefined: unknown). */
export function checkActivityRow(
  file: ActivityFile,
  get: Row,
  line: number,
  kindOf: (pledge: string) => ActivityKind | undefined,
): { ok: true; item: ActivityItem } | { ok: false; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const pledge = get("pledge_id").trim();
  const kind = pledge ? kindOf(pledge) : undefined;
  if (!pledge)
    problems.push({ file, line, column: "pledge_id", key: "required", values: { column: "pledge_id" } });
  else if (!kind)
    problems.push({ file, line, column: "pledge_id", key: "unknownPledge", values: { value: pledge } });
  else if (kind !== KIND_OF_FILE[file])
    problems.push({
      file,
      line,
      column: "pledge_id",
      key: "wrongKind",
      values: { value: pledge, kind, file },
    });
  const take = <T>(
    column: string,
    c: ReturnType<typeof instant> | ReturnType<typeof number>,
  ): T | undefined => {
    if (c.ok) return c.value as T;
    problems.push(problemOf(file, line, column, c));
    return undefined;
  };
  let item: ActivityItem | undefined;
  if (file === "transactions.csv") {
    const receivedAt = take<string>("received_at", instant(get("received_at"), "received_at"));
    const rawDone = get("completed_at").trim();
    const completedAt = rawDone ? take<string>("completed_at", instant(rawDone, "completed_at")) : null;
    if (receivedAt && completedAt) {
      const span = Date.parse(completedAt) - Date.parse(receivedAt);
      if (span < 0) problems.push({ file, line, column: "completed_at", key: "beforeReceipt" });
      else if (span > MAX_SPAN_MS) problems.push({ file, line, column: "completed_at", key: "span" });
    }
    if (receivedAt !== undefined && completedAt !== undefined)
      item = { file, pledge, receivedAt, completedAt };
  } else if (file === "survey_responses.csv") {
    const submittedAt = take<string>("submitted_at", instant(get("submitted_at"), "submitted_at"));
    const s = take<number>("score", score(get("score"), "score"));
    if (submittedAt !== undefined && s !== undefined) item = { file, pledge, submittedAt, score: s };
  } else {
    const takenAt = take<string>("taken_at", instant(get("taken_at"), "taken_at"));
    const value = take<number>("value", number(get("value"), "value"));
    if (takenAt !== undefined && value !== undefined) item = { file, pledge, takenAt, value };
  }
  if (problems.length || !item) return { ok: false, problems };
  return { ok: true, item };
}

/**
 * Natural keys of a file's rows, in file order: the same rows in the same order get the same
 * keys on every load. Identical rows are told apart by their occurrence (…-0, …-1).
 */
export class NaturalKeys {
  private seen = new Map<string, number>();
  keyOf(item: ActivityItem): string {
    const values =
      item.file === "transactions.csv"
        ? `${item.receivedAt}\0${item.completedAt ?? ""}`
        : item.file === "survey_responses.csv"
          ? `${item.submittedAt}\0${item.score}`
          : `${item.takenAt}\0${item.value}`;
    const h = crypto
      .createHash("sha256")
      .update(`${item.pledge}\0${values}`)
      .digest("base64url")
      .slice(0, 22);
    const n = this.seen.get(h) ?? 0;
    this.seen.set(h, n + 1);
    return `imp-${h}-${n}`;
  }
}
