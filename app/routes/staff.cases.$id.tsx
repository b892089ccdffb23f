import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CaseActions, CaseNote } from "~/components/cases/case-actions";
import { CaseAppeals } from "~/components/cases/case-appeals";
import { CaseDeadlines } from "~/components/cases/case-deadlines";
import { CaseDetails } from "~/components/cases/case-details";
import { CaseHeader } from "~/components/cases/case-header";
import { CaseHistory } from "~/components/cases/case-history";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { recordAudit } from "~/models/audit/audit.server";
import { decideAppeal, lodgeAppeal } from "~/models/cases/appeal.server";
import { answerAttachments } from "~/models/cases/citizen-answers.server";
import { addNote, assignCase, caseContact, getCase } from "~/models/cases/handling.server";
import { CASE_HANDLER_ROLES } from "~/models/cases/lifecycle";
import { moveCase } from "~/models/cases/lifecycle.server";
import { referCase } from "~/models/cases/referral.server";
import {
  AssignSchema,
  DecideAppealSchema,
  LodgeAppealSchema,
  MoveSchema,
  NoteSchema,
  ReferSchema,
} from "~/models/cases/schema";
import { casePageView, listAppeals } from "~/models/cases/view.server";
import { denyAccess, requireUser, type SessionUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { type FieldErrors, parseForm } from "~/utils/forms";
import { badRequest, notFound } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, "cases.case.title", { reference: data?.case.reference ?? "" });

/** The case in the URL if it is the reader's department's; anything else is a 404, audited. */
async function requireCase(context: AppLoadContext, user: SessionUser, idParam: string | undefined) {
  const id = Number(idParam);
  if (!Number.isInteger(id) || id <= 0) throw notFound();
  const c = await getCase(context.db, id, user.departmentId);
  if (!c) throw await denyAccess(context, user, "department", { type: "case", id });
  return c;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, CASE_HANDLER_ROLES);
  const c = await requireCase(context, user, params.id);
  const locale = await getLocale(request);
  const [view, answerFiles] = await Promise.all([
    casePageView(context.db, context.env.PII_KEY, c, user, locale),
    answerAttachments(context.db, c.id),
  ]);
  // The files a citizen sent with each answer from /track, shown with it in the history.
  return {
    locale,
    saved: new URL(request.url).searchParams.get("saved"),
    ...view,
    answerFiles: Object.fromEntries(answerFiles),
  };
}

type ActionResult = {
  intent: string;
  errors: FieldErrors;
  /** the contact details in full: only in the answer to the "show-contact" form */
  contact?: { name: string | null; email: string | null; phone: string | null; shown: true };
};

export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, CASE_HANDLER_ROLES);
  const c = await requireCase(context, user, params.id);
  const db = context.db;
  const intent = String(form.get("intent") ?? "");
  const fail = (errors: FieldErrors, status = 400) => json<ActionResult>({ intent, errors }, { status });
  const done = (what: string) => redirect(`/staff/cases/${c.id}?saved=${what}`);

  switch (intent) {
    case "show-contact": {
      // Each full viewing is recorded: who looked at whose details, never the details themselves.
      const contact = caseContact(context.env.PII_KEY, c);
      await recordAudit(db, {
        action: "case.contact-view",
        actorUserId: user.id,
        departmentId: c.department_id,
        entityType: "case",
        entityId: c.id,
      });
      return json<ActionResult>(
        { intent, errors: {}, contact: { ...contact, shown: true } },
        { headers: { "Cache-Control": "private, no-store" } },
      );
    }
    case "assign": {
      const parsed = parseForm(AssignSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      const ok = await assignCase(db, user, c, parsed.data.officerId ?? null);
      return ok ? done("assign") : fail({ officerId: "validation.invalid" });
    }
    case "move": {
      const parsed = parseForm(MoveSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      // The reply is stored and shown to the citizen on the tracking page, and sent to them
      // (moveCase queues the message in the citizen's language).
      const r = await moveCase(db, user, c.id, parsed.data.move, {
        reason: parsed.data.reason,
        body: parsed.data.reply,
      });
      if (r.ok) return done(parsed.data.move);
      if (r.error === "notAllowed") return fail({ form: "cases.errors.notAllowed" }, 409);
      return fail(
        r.error === "reasonRequired"
          ? { reason: "cases.errors.reasonRequired" }
          : { reply: "cases.errors.replyRequired" },
      );
    }
    case "note": {
      const parsed = parseForm(NoteSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      await addNote(db, user, c, parsed.data.note);
      return done("note");
    }
    case "refer": {
      const parsed = parseForm(ReferSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      const r = await referCase(db, user, c.id, {
        toDepartmentId: parsed.data.toDepartmentId,
        reason: parsed.data.referReason,
      });
      if (r.ok) return done("refer");
      if (r.error === "notAllowed") return fail({ form: "cases.errors.referNotAllowed" }, 409);
      if (r.error === "reasonRequired") return fail({ referReason: "validation.required" });
      return fail({ toDepartmentId: "validation.department" });
    }
    case "lodge-appeal": {
      const parsed = parseForm(LodgeAppealSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      const r = await lodgeAppeal(db, c, { by: "staff", userId: user.id, grounds: parsed.data.grounds });
      if (r.ok) return done("appeal-lodge");
      if (r.error === "groundsRequired") return fail({ grounds: "validation.required" });
      return fail({ form: `cases.appeals.errors.${r.error}` }, 409);
    }
    case "decide-appeal": {
      const parsed = parseForm(DecideAppealSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      // Only the open appeal of THIS case: an appeal id from another case is not decided from here.
      const appeals = await listAppeals(db, c.id);
      if (!appeals.some((a) => a.id === parsed.data.appealId && a.decided_at == null)) {
        return fail({ form: "cases.appeals.errors.notOpen" }, 409);
      }
      const r = await decideAppeal(db, user, parsed.data.appealId, {
        outcome: parsed.data.outcome,
        reply: parsed.data.appealReply,
      });
      if (r.ok) return done("appeal-decide");
      if (r.error === "replyRequired") return fail({ appealReply: "validation.required" });
      if (r.error === "notOpen") return fail({ form: "cases.appeals.errors.notOpen" }, 409);
      return fail({ form: `cases.appeals.errors.${r.error}` }, 403);
    }
    default:
      throw badRequest();
  }
}

// ---- The page: its sections are components/cases/* ----

export default function CasePage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errorsFor = (intent: string): FieldErrors =>
    actionData && actionData.intent === intent ? actionData.errors : {};
  // In full only in the answer to the "show" form; the page itself carries them masked.
  const contact = actionData?.contact ? { ...data.contact, ...actionData.contact } : data.contact;
  return (
    <div className="container">
      <CaseHeader view={data} saved={actionData ? null : data.saved} formError={actionData?.errors?.form} />
      <CaseDeadlines view={data} />
      <CaseDetails view={data} contact={contact} />
      <CaseActions view={data} errorsFor={errorsFor} />
      <CaseAppeals view={data} errorsFor={errorsFor} />
      <CaseNote errors={errorsFor("note")} />
      <CaseHistory history={data.history} caseId={data.case.id} files={data.answerFiles} />
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("errors.notFound.case")}</p> }} />;
}
