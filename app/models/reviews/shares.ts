import { formats } from "../../utils/formats";
import { REVIEW_QUESTIONS } from "./questions";
import type { ReviewFigure, ReviewTable } from "./table-types";

/*
 * The review table's shares, computed once here for the page, the JSON, the XLSX and the PDF, so
 * that all four show the same numbers. A share is a percentage rounded to one decimal place
 * (66.7), as the house's percent format writes it (app/utils/formats.ts: "66.7%", "50%"). Pure:
 * safe in the browser.
 */

/** A percentage 0–100 rounded to one decimal place. */
export function roundShare(percent: number): number {
  return Math.round(percent * 10) / 10;
}

/** `yes` of `of` as a percentage rounded to one decimal place (2 of 3 → 66.7); null when `of` is 0. */
export function shareOf(yes: number, of: number): number | null {
  return of > 0 ? roundShare((yes * 100) / of) : null;
}

const SHARE_KEYS = new Set<string>(REVIEW_QUESTIONS.filter((q) => q.kind === "share").map((q) => q.key));

/**
 * A figure's declared and evidenced shares. For a "share" question (services_pledged_share) the
 * figure's `yes` already is the mean share 0–100 of the departments counted, so it is only
 * rounded; for a yes/no question it is yes of `of`.
 */
export function figureShares(f: ReviewFigure): { declared: number | null; evidenced: number | null } {
  const of = (yes: number | null, n: number | null) => {
    if (yes === null || n === null) return null;
    if (SHARE_KEYS.has(f.key)) return n > 0 ? roundShare(yes) : null;
    return shareOf(yes, n);
  };
  return { declared: of(f.declaredYes, f.declaredOf), evidenced: of(f.evidencedYes, f.evidencedOf) };
}

/**
 * The government-wide share of targets met: met of all the period's monthly results (those with too
 * few cases to judge included, as the page's sentence counts them: "met of results").
 */
export function targetsMetShare(t: ReviewTable["targetsMet"]): number | null {
  return shareOf(t.met, t.results);
}

/** A share (percentage, as from shareOf) as text in a language: 66.7 → "66.7%", null → "—". */
export function formatShare(share: number | null, lang: string): string {
  return formats(lang).percent(share === null ? null : share / 100);
}
