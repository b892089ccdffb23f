import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "~/components/forms";
import { listNotifications, markNotificationsRead } from "~/models/outbox/notifications.server";
import { canManageStaff } from "~/models/staff/accounts.server";
import { requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staff.home");

const NOTIFIED = ["manager", "department_admin"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const notified = (NOTIFIED as readonly string[]).includes(user.role) && user.departmentId != null;
  const notifications = notified
    ? await listNotifications(context.db, { id: user.id, departmentId: user.departmentId! })
    : [];
  return {
    role: user.role,
    displayName: user.displayName,
    canManageStaff: canManageStaff(user),
    inDepartment: user.departmentId != null,
    notified,
    notifications,
  };
}

/** Marks the shown notifications as read for this manager. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, NOTIFIED);
  const ids = form
    .getAll("id")
    .map((v) => Number(v))
    .filter((n) => Number.isSafeInteger(n) && n > 0);
  await markNotificationsRead(context.db, { id: user.id, departmentId: user.departmentId! }, ids);
  return redirect("/staff");
}

export default function StaffHome() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const unread = data.notifications.filter((n) => !n.read_at);
  return (
    <div className="container">
      <h1>{t("staff.welcome", { name: data.displayName })}</h1>
      <p>{t(`roles.${data.role}Description`)}</p>
      {data.notified ? (
        <section aria-labelledby="notifications-title" className="staff-callout">
          <h2 id="notifications-title">{t("notifications.title")}</h2>
          {data.notifications.length === 0 ? <p>{t("notifications.none")}</p> : null}
          <ul className="notifications">
            {data.notifications.map((n) => (
              <li key={n.id}>
                {!n.read_at ? <span className="badge closed">{t("notifications.unread")}</span> : null}{" "}
                {n.kind === "important_feedback" ? (
                  t("notifications.important_feedback", {
                    kind: t(`feedback.kinds.${n.feedback_kind ?? "enquiry"}`),
                    summary: n.feedback_summary ?? "",
                  })
                ) : (
                  <Link to={`/staff/cases/${n.case_id ?? n.entity_id}`}>
                    {t(
                      n.entity_type === "appeal"
                        ? "dashboard.notifications.appealOverdue"
                        : "notifications.case_overdue",
                      { reference: n.case_reference ?? "" },
                    )}
                  </Link>
                )}
              </li>
            ))}
          </ul>
          {unread.length > 0 ? (
            <Form method="post">
              <CsrfInput />
              {unread.map((n) => (
                <input key={n.id} type="hidden" name="id" value={n.id} />
              ))}
              <button type="submit" className="button secondary">
                {t("notifications.markRead")}
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}
      <h2>{t("staff.tasks")}</h2>
      <ul className="cards">
        {data.inDepartment ? (
          <li className="card">
            <h3>
              <Link to="/staff/feedback">{t("feedback.title")}</Link>
            </h3>
            <p>{t("staff.feedbackBody")}</p>
          </li>
        ) : null}
        {data.inDepartment && data.role !== "counter_staff" ? (
          <li className="card">
            <h3>
              <Link to="/staff/cases">{t("staff.casesTitle")}</Link>
            </h3>
            <p>{t("staff.casesBody")}</p>
          </li>
        ) : null}
        {!data.inDepartment ? (
          <li className="card">
            <h3>
              <Link to="/central/overview">{t("staff.overviewTitle")}</Link>
            </h3>
            <p>{t("staff.overviewBody")}</p>
          </li>
        ) : null}
        {!data.inDepartment ? (
          <li className="card">
            <h3>
              <Link to="/central/closure-days">{t("staff.closuresTitle")}</Link>
            </h3>
            <p>{t("staff.closuresBody")}</p>
          </li>
        ) : null}
        <li className="card">
          <h3>
            <Link to="/staff/surveys">{t("staff.surveysTitle")}</Link>
          </h3>
          <p>{t("staff.surveysBody")}</p>
        </li>
        <li className="card">
          <h3>
            <Link to="/staff/account">{t("staffAccount.account.title")}</Link>
          </h3>
          <p>{t("staffAccount.account.homeBody")}</p>
        </li>
        {data.role === "system_admin" ? (
          <li className="card">
            <h3>
              <Link to="/central/departments">{t("departmentsAdmin.homeTitle")}</Link>
            </h3>
            <p>{t("departmentsAdmin.homeBody")}</p>
          </li>
        ) : null}
        {data.role === "system_admin" ? (
          <li className="card">
            <h3>
              <Link to="/central/imports">{t("registryImport.page.homeTitle")}</Link>
            </h3>
            <p>{t("registryImport.page.homeBody")}</p>
          </li>
        ) : null}
        {data.canManageStaff ? (
          <>
            <li className="card">
              <h3>
                <Link to="/admin/staff">{t("admin.staffTitle")}</Link>
              </h3>
              <p>{t("admin.staffBody")}</p>
            </li>
            <li className="card">
              <h3>
                <Link to="/admin/audit">{t("admin.auditTitle")}</Link>
              </h3>
              <p>{t("admin.auditBody")}</p>
            </li>
          </>
        ) : null}
        {data.role === "department_admin" ? (
          <>
            <li className="card">
              <h3>
                <Link to="/admin/api-keys">{t("admin.apiKeysTitle")}</Link>
              </h3>
              <p>{t("admin.apiKeysBody")}</p>
            </li>
            <li className="card">
              <h3>
                <Link to="/admin/services">{t("departmentsAdmin.homeServicesTitle")}</Link>
              </h3>
              <p>{t("departmentsAdmin.homeServicesBody")}</p>
            </li>
            <li className="card">
              <h3>
                <Link to="/admin/pledges">{t("admin.pledgesTitle")}</Link>
              </h3>
              <p>{t("admin.pledgesBody")}</p>
            </li>
            <li className="card">
              <h3>
                <Link to="/admin/case-settings">{t("admin.caseSettingsTitle")}</Link>
              </h3>
              <p>{t("caseSettings.intro")}</p>
            </li>
          </>
        ) : null}
      </ul>
    </div>
  );
}
