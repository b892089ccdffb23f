import type { ExpressionBuilder } from "kysely";
import type { Database } from "../../../db/schema";
import { hkMonth } from "../calendar/time";
import { type ResponseChannel, type ResponseLanguage, ResultsFilterSchema } from "./schema";

/** The filters of a results page or an export: months, collection point, channel, language. */

export interface ResultsFilter {
  /** first month, YYYY-MM (Hong Kong time), inclusive */
  from: string;
  /** last month, inclusive */
  to: string;
  collectionPointId: number | null;
  channel: ResponseChannel | null;
  language: ResponseLanguage | null;
}

/** The trend shows one column a month: ten years is as many as a chart (and a reader) can take. */
export const MAX_MONTHS = 120;

/** `month` moved by `n` months (either way). */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const i = y * 12 + (m - 1) + n;
  return `${String(Math.floor(i / 12)).padStart(4, "0")}-${String((i % 12) + 1).padStart(2, "0")}`;
}

/** Every month from `from` to `to`, inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to && out.length < MAX_MONTHS; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** The filters of a results page or export from its query string; by default the last 12 months. */
export function parseResultsFilter(params: URLSearchParams, now: Date = new Date()): ResultsFilter {
  const raw = ResultsFilterSchema.parse({
    from: params.get("from") ?? undefined,
    to: params.get("to") ?? undefined,
    point: params.get("point") || undefined,
    channel: params.get("channel") || undefined,
    language: params.get("language") || undefined,
  });
  let to = raw.to ?? hkMonth(now);
  let from = raw.from ?? addMonths(to, -11);
  if (from > to) [from, to] = [to, from];
  if (from < addMonths(to, -(MAX_MONTHS - 1))) from = addMonths(to, -(MAX_MONTHS - 1));
  return {
    from,
    to,
    collectionPointId: raw.point ?? null,
    channel: raw.channel ?? null,
    language: raw.language ?? null,
  };
}

/** The query string that reproduces a filter (for export links and "back" links). */
export function filterQuery(f: ResultsFilter): string {
  const p = new URLSearchParams({ from: f.from, to: f.to });
  if (f.collectionPointId != null) p.set("point", String(f.collectionPointId));
  if (f.channel) p.set("channel", f.channel);
  if (f.language) p.set("language", f.language);
  return p.toString();
}

// One month is written `month = ?`, not a range of one: SQLite then reads the (survey_id, month)
// index in id order, so an export's keyset pages need no sort.
export function answersIn(
  eb: ExpressionBuilder<Database, "survey_answers">,
  surveyId: number,
  f: ResultsFilter,
) {
  const where =
    f.from === f.to
      ? [eb("survey_id", "=", surveyId), eb("month", "=", f.from)]
      : [eb("survey_id", "=", surveyId), eb("month", ">=", f.from), eb("month", "<=", f.to)];
  if (f.channel) where.push(eb("channel", "=", f.channel));
  if (f.language) where.push(eb("language", "=", f.language));
  if (f.collectionPointId != null) where.push(eb("collection_point_id", "=", f.collectionPointId));
  return eb.and(where);
}

export function responsesIn(
  eb: ExpressionBuilder<Database, "survey_responses">,
  surveyId: number,
  f: ResultsFilter,
) {
  const where =
    f.from === f.to
      ? [eb("survey_id", "=", surveyId), eb("month", "=", f.from)]
      : [eb("survey_id", "=", surveyId), eb("month", ">=", f.from), eb("month", "<=", f.to)];
  if (f.channel) where.push(eb("channel", "=", f.channel));
  if (f.language) where.push(eb("language", "=", f.language));
  if (f.collectionPointId != null) where.push(eb("collection_point_id", "=", f.collectionPointId));
  return eb.and(where);
}
