import { Form, Link, NavLink, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { RootUser } from "~/utils/root-data";
import { CsrfInput } from "./forms";

/** The header on every page: brand, main navigation, language switch and the staff menu. */
export function SiteHeader({ user, csrfToken }: { user: RootUser | null; csrfToken: string }) {
  const { t } = useTranslation();
  return (
    <header className="site-header">
      <div className="container header-row">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ✓
          </span>
          <span>{t("app.name")}</span>
        </Link>
        <LanguageSwitch />
      </div>
      <nav aria-label={t("layout.mainNav")} className="main-nav">
        <ul className="container">
          <li>
            <NavLink to="/feedback">{t("home.giveFeedback")}</NavLink>
          </li>
          <li>
            <NavLink to="/complaints/new">{t("home.makeComplaint")}</NavLink>
          </li>
          <li>
            <NavLink to="/track">{t("home.trackCase")}</NavLink>
          </li>
          <li>
            <NavLink to="/pledges">{t("home.ourPledges")}</NavLink>
          </li>
          {user ? (
            <li>
              <NavLink to="/staff" end>
                {t("staff.home")}
              </NavLink>
            </li>
          ) : (
            <li>
              <NavLink to="/staff/sign-in">{t("auth.staffSignIn")}</NavLink>
            </li>
          )}
        </ul>
      </nav>
      {user ? (
        <div className="staff-bar">
          <div className="container staff-bar-row">
            <p>
              {t("staff.signedInAs", {
                name: user.displayName,
                role: t(`roles.${user.role}`),
              })}
              {user.departmentName ? ` · ${user.departmentName}` : ""}
            </p>
            <p>
              {user.departmentCode ? (
                <>
                  <Link to="/staff/feedback">{t("feedback.title")}</Link>
                  {" · "}
                  {user.role !== "counter_staff" ? (
                    <>
                      <Link to="/staff/cases">{t("staff.casesTitle")}</Link>
                      {" · "}
                    </>
                  ) : null}
                  {DASHBOARD_ROLES.includes(user.role) ? (
                    <>
                      <Link to="/staff/dashboard">{t("caseLists.nav.dashboard")}</Link>
                      {" · "}
                    </>
                  ) : null}
                </>
              ) : null}
              <Link to="/staff/surveys">{t("staff.surveysTitle")}</Link>
              {["manager", "department_admin", "central_reviewer"].includes(user.role) ? (
                <>
                  {" · "}
                  <Link to="/reports">{t("staff.reportsTitle")}</Link>
                </>
              ) : null}
              {REVIEW_NAV[user.role] ? (
                <>
                  {" · "}
                  <Link to={REVIEW_NAV[user.role] ?? ""}>{t("reviews.nav")}</Link>
                </>
              ) : null}
            </p>
            {SEARCH_ROLES.includes(user.role) ? <StaffSearchBox /> : null}
            {user.canManageStaff ? (
              <p>
                <Link to="/admin/staff">{t("admin.staffTitle")}</Link> ·{" "}
                <Link to="/admin/audit">{t("admin.auditTitle")}</Link>
                {user.role === "system_admin" ? (
                  <>
                    {" · "}
                    <Link to="/admin/queues">{t("queues.nav")}</Link>
                  </>
                ) : null}
              </p>
            ) : null}
            <p>
              <Link to="/staff/account">{t("staffAccount.account.nav")}</Link>
            </p>
            <Form method="post" action="/staff/sign-out" reloadDocument>
              <CsrfInput token={csrfToken} />
              <button type="submit" className="link-button">
                {t("auth.signOut")}
              </button>
            </Form>
          </div>
        </div>
      ) : null}
    </header>
  );
}

/** The review of pledges (issue 16): a department administrator's returns, the central bureau's rounds. */
const REVIEW_NAV: Record<string, string | undefined> = {
  department_admin: "/admin/reviews",
  central_reviewer: "/central/reviews",
  system_admin: "/central/reviews",
};

/** Who handles cases (and so has a dashboard and the search box); the central reviewer searches read-only. */
const DASHBOARD_ROLES: readonly string[] = ["case_officer", "manager", "department_admin"];
const SEARCH_ROLES: readonly string[] = [...DASHBOARD_ROLES, "central_reviewer"];

/** The staff search box: a case reference opens the case, words search the case list (GET, no JavaScript). */
function StaffSearchBox() {
  const { t } = useTranslation();
  return (
    <form
      method="get"
      action="/staff/search"
      aria-label={t("caseLists.search.title")}
      className="staff-search"
    >
      <label htmlFor="staff-search-q" className="visually-hidden">
        {t("caseLists.search.label")}
      </label>
      <input
        id="staff-search-q"
        type="search"
        name="q"
        maxLength={200}
        placeholder={t("caseLists.search.label")}
        autoComplete="off"
      />{" "}
      <button type="submit">{t("caseLists.search.submit")}</button>
    </form>
  );
}

/** A plain GET form, so switching language works without JavaScript. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const other = i18n.language === "zh-HK" ? "en" : "zh-HK";
  return (
    <form method="get" action="/locale" className="lang-switch">
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <button type="submit" name="lng" value={other} lang={other}>
        {t("layout.otherLanguage")}
      </button>
    </form>
  );
}

export function SiteFooter() {
  const { t } = useTranslation();
  return (
    <footer className="site-footer">
      <div className="container">
        <p>{t("layout.footer")}</p>
      </div>
    </footer>
  );
}
