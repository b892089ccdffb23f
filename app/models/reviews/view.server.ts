import type { Db } from "../../../db/client";
import type { ReviewRound } from "../../../db/schema";
import { computeEvidence } from "./evidence.server";
import { evidenceHref } from "./evidence-links";
import { REVIEW_QUESTIONS, type ReviewAnswers, type ReviewQuestionKey } from "./questions";
import { getReturn } from "./returns.server";
import { readAnswers } from "./schema";

export interface ReturnView {
  status: "none" | "draft" | "submitted" | "returned";
  isLate: boolean;
  submittedAt: string | null;
  returnReason: string | null;
  answers: ReviewAnswers;
  /** per question with evidence: the value computed from the data and where its records are */
  evidence: Partial<Record<ReviewQuestionKey, { value: boolean | number | null; href: string | null }>>;
  /** whether the department may still change it */
  editable: boolean;
}

/** A department's return for a round with the evidence beside each answer (the return form). */
export async function viewReturn(
  db: Db,
  round: ReviewRound,
  department: { id: number; code: string },
): Promise<ReturnView> {
  const [ret, evidence] = await Promise.all([
    getReturn(db, round.id, department.id),
    computeEvidence(db, round, [department.id]),
  ]);
  const ev = evidence.get(department.id) as Record<string, boolean | number | null> | undefined;
  const out: ReturnView["evidence"] = {};
  for (const q of REVIEW_QUESTIONS) {
    if (!q.evidence) continue;
    out[q.key] = { value: ev?.[q.key] ?? null, href: evidenceHref(q.key, department.code) };
  }
  const status = ret?.status ?? "none";
  return {
    status,
    isLate: ret?.is_late === 1,
    submittedAt: ret?.submitted_at ?? null,
    returnReason: ret?.status === "returned" ? ret.return_reason : null,
    answers: ret ? readAnswers(ret.answers) : {},
    evidence: out,
    editable: round.status === "open" && status !== "submitted",
  };
}
