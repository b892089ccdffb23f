import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { listDepartments, localName } from "~/models/departments/departments.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "home.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const locale = await getLocale(request);
  const departments = await listDepartments(context.db, { activeOnly: true });
  return { departments: departments.map((d) => ({ code: d.code, name: localName(d, locale) })) };
}

export default function Home() {
  const { t } = useTranslation();
  const { departments } = useLoaderData<typeof loader>();
  const tasks = [
    { to: "/feedback", title: t("home.giveFeedback"), body: t("home.giveFeedbackBody") },
    { to: "/complaints/new", title: t("home.makeComplaint"), body: t("home.makeComplaintBody") },
    { to: "/track", title: t("home.trackCase"), body: t("home.trackCaseBody") },
    { to: "/pledges", title: t("home.ourPledges"), body: t("home.ourPledgesBody") },
  ];
  return (
    <>
      <section className="hero" aria-labelledby="home-title">
        <div className="container">
          <h1 id="home-title">{t("home.title")}</h1>
          <p className="lead">{t("home.lead")}</p>
        </div>
      </section>
      <div className="container">
        <section aria-labelledby="citizen-tasks">
          <h2 id="citizen-tasks">{t("home.forCitizens")}</h2>
          <ul className="cards">
            {tasks.map((task) => (
              <li key={task.to} className="card">
                <h3>
                  <Link to={task.to}>{task.title}</Link>
                </h3>
                <p>{task.body}</p>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="departments-title">
          <h2 id="departments-title">{t("home.departments", { count: departments.length })}</h2>
          <ul className="department-list">
            {departments.map((d) => (
              <li key={d.code}>
                <Link to={`/pledges/${d.code}`}>{d.name}</Link>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="staff-title" className="staff-callout">
          <h2 id="staff-title">{t("home.forStaff")}</h2>
          <p>{t("home.forStaffBody")}</p>
          <p>
            <Link className="button" to="/staff/sign-in">
              {t("auth.staffSignIn")}
            </Link>
          </p>
        </section>
      </div>
    </>
  );
}
