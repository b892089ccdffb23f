import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CASE_LIST_ROLES } from "~/models/cases/list-scope.server";
import { searchBox } from "~/models/cases/search.server";
import { requireUser, seesAllDepartments } from "~/models/staff/auth.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "caseLists.search.title");

/**
 * The staff header's search box (a plain GET form): a reference opens the case, other text lists
 * the cases containing it. A reference with a wrong check character is said so, not searched.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, CASE_LIST_ROLES);
  const q = new URL(request.url).searchParams.get("q") ?? "";
  const answer = await searchBox(context.db, q, seesAllDepartments(user) ? null : user.departmentId);
  switch (answer.kind) {
    case "case":
      // The case page is the handlers'; the central reviewer sees the case in its department's
      // list, read-only.
      if (user.role === "central_reviewer")
        return redirect(
          `/staff/cases?${new URLSearchParams({ dept: answer.departmentCode, ref: answer.reference })}`,
        );
      return redirect(`/staff/cases/${answer.id}`);
    case "text": {
      const p = new URLSearchParams({ q: answer.q });
      if (user.role === "central_reviewer") {
        const dept = new URL(request.url).searchParams.get("dept");
        if (dept) p.set("dept", dept);
      }
      return redirect(`/staff/cases?${p}`);
    }
    default:
      return json({ answer, q: q.slice(0, 200) }, { status: answer.kind === "notFound" ? 404 : 400 });
  }
}

export default function StaffSearch() {
  const { t } = useTranslation();
  const { answer, q } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <h1>{t("caseLists.search.title")}</h1>
      <div aria-live="assertive">
        <p className="notice" role="alert">
          {answer.kind === "wrongCheck"
            ? t("caseLists.search.wrongCheck", { value: answer.value })
            : answer.kind === "notFound"
              ? t("caseLists.search.notFound", { reference: answer.reference })
              : t("caseLists.search.empty")}
        </p>
      </div>
      <form method="get" action="/staff/search" aria-label={t("caseLists.search.title")}>
        <div className="field">
          <label htmlFor="search-page-q">{t("caseLists.search.label")}</label>
          <p className="hint" id="search-page-q-hint">
            {t("caseLists.search.hint")}
          </p>
          <input
            id="search-page-q"
            type="search"
            name="q"
            defaultValue={q}
            maxLength={200}
            aria-describedby="search-page-q-hint"
          />
        </div>
        <button type="submit" className="button">
          {t("caseLists.search.submit")}
        </button>
      </form>
    </div>
  );
}
