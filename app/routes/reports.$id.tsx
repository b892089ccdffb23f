import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CsrfInput } from "~/components/forms";
import { ComplaintSection } from "~/components/reports/complaint-section";
import { FeedbackSection } from "~/components/reports/feedback-section";
import { ImportantSection } from "~/components/reports/important-section";
import { PledgeSection } from "~/components/reports/pledge-section";
import { reportLocale } from "~/components/reports/report-parts";
import { SurveySection } from "~/components/reports/survey-section";
import { getPledge } from "~/models/pledges/registry.server";
import { UnmetNoteSchema } from "~/models/pledges/schema";
import { saveUnmetNote } from "~/models/pledges/unmet-notes.server";
import { requireReport } from "~/models/reports/access.server";
import { acknowledge, recordsReading } from "~/models/reports/inbox.server";
import {
  type DepartmentReport,
  NOTE_FIELDS,
  type NoteActionData,
  notePrefix,
  REPORT_ROLES,
} from "~/models/reports/schema";
import { reportPageView } from "~/models/reports/view.server";
import { denyAccess, requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { type FieldErrors, parseForm } from "~/utils/forms";
import { badRequest } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, "reports.view.pageTitle", {
    department: data?.report.departmentCode ?? "",
    month: data?.report.month ?? "",
  });

/** One report; opening it marks it read for its department's manager or administrator. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, REPORT_ROLES);
  const report = await requireReport(context, user, params.id);
  const locale = await getLocale(request);
  const view = await reportPageView(context.db, user, report, new URL(request.url).searchParams);
  return { locale, ...view };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, REPORT_ROLES);
  const report = await requireReport(context, user, params.id);
  // Only the department's own managers and administrators acknowledge its report and record notes.
  if (!recordsReading(user, report.departmentId))
    throw await denyAccess(context, user, "role", { type: "report", id: report.id });
  // No intent: the acknowledge form as it was before there were two.
  const intent = form.get("intent") ?? "acknowledge";
  if (intent === "acknowledge") {
    await acknowledge(context.db, report.id, user.id, new Date(), report.departmentId);
    return redirect(`/reports/${report.id}?acknowledged=1`);
  }
  if (intent !== "unmet-note") throw badRequest();

  // The pledge must be the report's department's: another's is a 404, as if it were not there.
  const rawId = String(form.get("pledgeId") ?? "");
  const pledgeId = Number(rawId);
  const pledge =
    /^\d+$/.test(rawId) && Number.isSafeInteger(pledgeId)
      ? await getPledge(context.db, pledgeId, report.departmentId)
      : undefined;
  if (!pledge) throw await denyAccess(context, user, "department", { type: "pledge", id: rawId });

  const prefix = notePrefix(pledge.id);
  const values = Object.fromEntries(
    NOTE_FIELDS.map((f) => [f, String(form.get(prefix + f) ?? "")]),
  ) as NoteActionData["values"];
  // The month is the report's, set here: never taken from the form.
  const fields = new FormData();
  fields.set("period", report.month);
  for (const f of NOTE_FIELDS) if (form.has(prefix + f)) fields.set(f, values[f]);
  const fail = (errors: FieldErrors) =>
    json<NoteActionData>({ intent: "unmet-note", pledgeId: pledge.id, errors, values }, { status: 400 });
  const parsed = parseForm(UnmetNoteSchema, fields);
  if (!parsed.ok) return fail(parsed.errors);
  const saved = await saveUnmetNote(context.db, user, pledge, parsed.data);
  // On today's figures the month's target was met after all: nothing to record.
  if (!saved.ok) return fail({ form: "reports.pledges.note.notUnmet" });
  return redirect(`/reports/${report.id}?noted=${pledge.id}#unmet-${pledge.id}`);
}

const PRINT_CSS = `
  .no-print { display: none !important; }
  a { color: inherit; text-decoration: none; }
  section, figure, table, .card { break-inside: avoid; }
  h2 { break-after: avoid; }
  body { font-size: 11pt; }
`;

export default function ReportPage() {
  const { t } = useTranslation();
  const { locale, report, canAcknowledge, canRecordNotes, acknowledgedNow, notedPledgeId } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const r: DepartmentReport = report.data;
  const { f, pick } = reportLocale(locale);
  const sections = [
    ["surveys", t("reports.surveys.title")],
    ["feedback", t("reports.feedback.title")],
    ["complaints", t("reports.complaints.title")],
    ["pledges", t("reports.pledges.title")],
    ["important", t("reports.important.title")],
  ] as const;
  return (
    <div className="container report-page">
      <style media="print">{PRINT_CSS}</style>
      <p className="no-print">
        <Link to="/reports">{t("reports.view.back")}</Link>
      </p>
      <p style={{ margin: 0, color: "var(--muted)" }}>{pick(r.department.nameEn, r.department.nameZh)}</p>
      <h1>{t("reports.view.heading", { month: f.month(r.month) })}</h1>
      <p>{t("reports.view.generatedAt", { at: f.at(r.generatedAt), date: r.asOf })}</p>
      <p className="no-print">{t("reports.view.linksHint")}</p>

      {acknowledgedNow ? (
        <p className="notice" role="status">
          {t("reports.view.acknowledgedNow")}
        </p>
      ) : null}
      {report.readAt ? <p>{t("reports.view.readAt", { at: f.at(report.readAt) })}</p> : null}
      {report.acknowledgedAt ? (
        <p>{t("reports.view.acknowledgedAt", { at: f.at(report.acknowledgedAt) })}</p>
      ) : null}
      {canAcknowledge ? null : (
        <p>
          {t("reports.view.managementRead", {
            value: report.managementReadAt ? f.at(report.managementReadAt) : t("reports.inbox.notYet"),
          })}
          <br />
          {t("reports.view.managementAcknowledged", {
            value: report.managementAcknowledgedAt
              ? f.at(report.managementAcknowledgedAt)
              : t("reports.inbox.notYet"),
          })}
        </p>
      )}
      {canAcknowledge && !report.acknowledgedAt ? (
        <Form method="post" className="no-print">
          <CsrfInput />
          <input type="hidden" name="intent" value="acknowledge" />
          <p className="hint">{t("reports.view.acknowledgeHint")}</p>
          <button type="submit" className="button">
            {t("reports.view.acknowledge")}
          </button>
        </Form>
      ) : null}
      <div
        className="no-print"
        style={{
          display: "flex",
          flexWrap: "wrap",
          gap: "0.5rem 1rem",
          alignItems: "center",
          marginTop: "1rem",
        }}
      >
        <a className="button secondary" href={`/reports/${report.id}.xlsx`}>
          {t("reports.view.xlsx")}
        </a>
        <a className="button secondary" href={`/reports/${report.id}.pdf`}>
          {t("reports.view.downloadPdf")}
        </a>
      </div>

      <nav aria-labelledby="report-contents" className="no-print">
        <h2 id="report-contents">{t("reports.view.contents")}</h2>
        <ol>
          {sections.map(([id, title]) => (
            <li key={id}>
              <a href={`#${id}`}>{title}</a>
            </li>
          ))}
        </ol>
      </nav>

      <SurveySection report={r} locale={locale} />
      <FeedbackSection report={r} locale={locale} />
      <ComplaintSection report={r} locale={locale} />
      <PledgeSection
        reportId={report.id}
        report={r}
        locale={locale}
        canRecordNotes={canRecordNotes}
        notedPledgeId={notedPledgeId}
        actionData={actionData ?? null}
      />
      <ImportantSection report={r} locale={locale} />
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("errors.notFound.report")}</p> }} />;
}
