import type { ReviewQuestionKey } from "./questions";

/**
 * The review's table for one round: what the page, the JSON, the XLSX and the PDF all show, built
 * once by app/models/reviews/table.server.ts (buildReviewTable). Pure types: safe in the browser.
 */

/** One of the paper's figures as shares of departments: declared and evidenced side by side. */
export interface ReviewFigure {
  key: ReviewQuestionKey;
  /** departments whose submitted return says yes (for a "share" question: the mean share, 0–100) */
  declaredYes: number;
  /** departments with a submitted return that answered the question (the denominator) */
  declaredOf: number;
  /** departments whose data show it; null where the product computes no evidence for the question */
  evidencedYes: number | null;
  /** departments the evidence was computed for (every active department of the round), or null */
  evidencedOf: number | null;
  /** the 2009 paper's figure, percent of departments, or null */
  paper: number | null;
}

/** Shares of pledges, where the paper counts pledges (changed, improved, retired, new over the period). */
export interface ReviewPledgeFigure {
  key: "changed" | "improved" | "retired" | "new";
  count: number;
  of: number;
  /** the paper's figure, percent of pledges */
  paper: number | null;
}

/** One answer of one department's return beside its evidence. */
export interface ReviewCell {
  declared: boolean | number | null;
  /** null: no evidence computed for this question */
  evidence: boolean | number | null;
  /** false where declaration and evidence disagree; null where either is missing */
  agrees: boolean | null;
  note: string;
  /** a staff page listing the records behind the evidence, or null */
  evidenceHref: string | null;
}

export interface ReviewDepartmentRow {
  departmentId: number;
  code: string;
  nameEn: string;
  nameZh: string;
  returnStatus: "none" | "draft" | "submitted" | "returned";
  isLate: boolean;
  submittedAt: string | null;
  cells: Record<ReviewQuestionKey, ReviewCell>;
}

export interface ReviewTable {
  round: {
    id: number;
    periodFrom: string;
    periodTo: string;
    deadline: string;
    status: "open" | "published" | "closed";
  };
  figures: ReviewFigure[];
  pledgeFigures: ReviewPledgeFigure[];
  departments: ReviewDepartmentRow[];
  /** government-wide pledge results of the period from the stored results (pledge_results) */
  targetsMet: { results: number; met: number; notMet: number; insufficient: number };
}
