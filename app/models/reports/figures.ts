import type { Share } from "./schema";

/** A count as SQL returns it (a string on Postgres, a number on SQLite, null for no rows). */
export const num = (v: unknown) => Number(v ?? 0);

export const shareOf = (satisfied: number, rated: number): Share => ({
  satisfied,
  rated,
  share: rated > 0 ? satisfied / rated : null,
});

/** A survey's results page for the report's month (a figure's link). */
export const surveyHref = (id: number, month: string, extra: Record<string, string> = {}) =>
  `/staff/surveys/${id}/results?${new URLSearchParams({ from: month, to: month, ...extra })}`;
