import { CASE_STATUSES, FEEDBACK_CHANNELS } from "../../../db/schema";

/*
 * The case list's allowed values (the URL contract of issue 14) and the bulk actions' moves:
 * browser-safe, for the page's filter form; list.server.ts and bulk.server.ts read and act.
 */

export { CASE_STATUSES };
export const CASE_SORTS = ["received", "-received", "due", "-due"] as const;
export type CaseSort = (typeof CASE_SORTS)[number];
export const APPEAL_FILTERS = ["any", "open", "decided"] as const;
export const CASE_CHANNELS = ["web", ...FEEDBACK_CHANNELS] as const;
/** Rows per page of a list. */
export const PAGE_SIZE = 50;

/** The moves offered for many cases: those that need no text of their own (a reason, a reply). */
export const BULK_MOVES = ["acknowledge", "investigate", "resume", "close", "reopen"] as const;
export type BulkMove = (typeof BULK_MOVES)[number];
/** The most cases one action takes. */
export const BULK_LIMIT = 200;

/** A filter value that is not allowed: the parameter's name and the value given. */
export interface FilterError {
  param: string;
  value: string;
  /** "invalid" (not one of the allowed values), "range" (from after to), "cursor" (tampered) */
  code: "invalid" | "range" | "cursor";
}
