import type { ReviewQuestionKey } from "./questions";

/**
 * Where the records behind a question's evidence are listed, for one department. Pure: the return
 * form, the table page and the exports show the same link. The pages are the department's own
 * (what its administrator sees); the published pledges are public.
 */
export function evidenceHref(key: ReviewQuestionKey, departmentCode: string): string | null {
  switch (key) {
    case "publishes_results":
      return `/pledges/${encodeURIComponent(departmentCode)}`;
    case "surveys_annual_or_biennial":
      return "/staff/surveys";
    case "liaison_groups":
      return "/admin/liaison";
    case "feedback_monthly":
      return "/reports";
    case "feedback_ad_hoc":
      return "/staff/feedback?fi=1";
    case "reviewed_every_two_years":
      return "/admin/pledges";
    case "all_services_pledged":
    case "services_pledged_share":
      return "/admin/services";
    default:
      return null;
  }
}

/**
 * Whether a declaration agrees with the evidence: equal for yes/no; for a share, within
 * SHARE_TOLERANCE points (a department counting services a little differently is not a disagreement).
 * null where either is missing.
 */
export const SHARE_TOLERANCE = 5;
export function agrees(declared: boolean | number | null, evidence: boolean | number | null): boolean | null {
  if (declared === null || evidence === null) return null;
  if (typeof declared === "number" && typeof evidence === "number")
    return Math.abs(declared - evidence) <= SHARE_TOLERANCE;
  return declared === evidence;
}
