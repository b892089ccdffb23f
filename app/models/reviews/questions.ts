/**
 * The questions of a review round's return: the ones the central bureau asked every bureau and
 * department in the paper's review (shared/domain.md, "How the programme works"), in the paper's
 * order. Pure: safe in the browser, the worker and the CSV import.
 *
 * - kind "boolean": a yes / no declaration;
 * - kind "share": a percentage 0–100 (only "services_pledged_share", asked when not every direct
 *   public service is pledged).
 * - paper: the 2009 paper's figure, as a share of departments (percent), or null where it gave none.
 * - evidence: true where the product computes evidence for the answer from its own data.
 */
export const REVIEW_QUESTIONS = [
  { key: "targets_from_core_services", kind: "boolean", paper: null, evidence: false },
  { key: "benchmarked", kind: "boolean", paper: 30, evidence: false },
  { key: "publishes_results", kind: "boolean", paper: 86, evidence: true },
  { key: "surveys_annual_or_biennial", kind: "boolean", paper: 73, evidence: true },
  { key: "liaison_groups", kind: "boolean", paper: 50, evidence: true },
  { key: "other_channels", kind: "boolean", paper: null, evidence: false },
  { key: "feedback_monthly", kind: "boolean", paper: 94, evidence: true },
  { key: "feedback_ad_hoc", kind: "boolean", paper: 6, evidence: true },
  { key: "internal_guidelines", kind: "boolean", paper: 71, evidence: false },
  { key: "designated_officers", kind: "boolean", paper: null, evidence: false },
  { key: "reviewed_every_two_years", kind: "boolean", paper: 80, evidence: true },
  { key: "all_services_pledged", kind: "boolean", paper: 61, evidence: true },
  { key: "services_pledged_share", kind: "share", paper: 80, evidence: true },
] as const;

export type ReviewQuestion = (typeof REVIEW_QUESTIONS)[number];
export type ReviewQuestionKey = ReviewQuestion["key"];

/** One declared answer: a boolean, or a share for "share" questions; null while unanswered. */
export interface ReviewAnswer {
  value: boolean | number | null;
  /** the department's optional note (explains, for instance, a disagreement with the evidence) */
  note: string;
}
export type ReviewAnswers = Partial<Record<ReviewQuestionKey, ReviewAnswer>>;

export const REVIEW_QUESTION_KEYS: readonly ReviewQuestionKey[] = REVIEW_QUESTIONS.map((q) => q.key);
