import { REVIEW_QUESTIONS } from "./questions";

/**
 * The review import's file format and limits (app/models/reviews/import.server.ts). Pure: the
 * import page shows them, and a .server module's values are empty in the browser bundle.
 */

/** More rows than any government has departments: a file past it is not a return file. */
export const MAX_IMPORT_ROWS = 1000;
/** A note is a sentence or two, as on the return form. */
export const NOTE_MAX = 2000;
/** The most errors an answer lists; all of them are counted. */
export const MAX_ERRORS_SHOWN = 100;

/** The file's columns: the department's code, one per question, and an optional note for each. */
export const IMPORT_COLUMNS: readonly string[] = [
  "department_code",
  ...REVIEW_QUESTIONS.map((q) => q.key),
  ...REVIEW_QUESTIONS.map((q) => `${q.key}_note`),
];

export interface ImportRowError {
  line: number;
  /** translation key */
  key: string;
  column?: string;
  values?: Record<string, string | number>;
}
