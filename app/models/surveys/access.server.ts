import type { AppLoadContext } from "@remix-run/node";
import type { Survey } from "../../../db/schema";
import { notFound } from "../../utils/http.server";
import { denyAccess, type SessionUser, seesAllDepartments } from "../staff/auth.server";
import { getSurvey } from "./lookup.server";

/** The survey named in the URL if the staff member's department owns it; otherwise 404, audited. */
export async function requireSurvey(
  context: AppLoadContext,
  user: SessionUser,
  rawId: string | undefined,
): Promise<Survey> {
  const id = Number(rawId);
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound();
  const survey = await getSurvey(context.db, id, seesAllDepartments(user) ? null : user.departmentId);
  if (!survey) throw await denyAccess(context, user, "department", { type: "survey", id });
  return survey;
}

/** Roles that may key in paper forms. */
export const PAPER_ROLES = ["counter_staff", "case_officer", "manager", "department_admin"] as const;
