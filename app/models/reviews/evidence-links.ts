import type { ReviewQuestionKey } from "./questions";

/**
 * Where the records behind a question's evidence are listed, for one department. Pure: the return
 * form, the table page and the exports show the same link. For the department's administrator the
 * pages are the department's own; for the central bureau (the table) the department's pledge
 * registry and services pages are not open, so those questions link to its published pledges.
 */
export function evidenceHref(
  key: ReviewQuestionKey,
  departmentCode: string,
  audience: "department" | "central" = "department",
): string | null {
  if (
    audience === "central" &&
    ["reviewed_every_two_years", "all_services_pledged", "services_pledged_share"].includes(key)
  )
    return `/pledges/${encodeURIComponent(departmentCode)}`;
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
      return `/staff/feedback?fi=1&dept=${encodeURIComponent(departmentCode)}`;
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
