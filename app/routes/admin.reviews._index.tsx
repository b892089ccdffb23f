import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { listRoundsForDepartment } from "~/models/reviews/rounds.server";
import { requireUser } from "~/models/staff/auth.server";
import { formats } from "~/utils/formats";
import { notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

/** A department administrator's review returns: one per round the central bureau opened. */
export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "reviews.admin.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, ["department_admin"]);
  if (user.departmentId == null) throw notFound();
  const rounds = await listRoundsForDepartment(context.db, user.departmentId);
  return {
    rounds: rounds.map((r) => ({
      id: r.id,
      periodFrom: r.period_from,
      periodTo: r.period_to,
      deadline: r.deadline,
      roundStatus: r.status,
      returnStatus: r.return_status ?? "none",
      late: r.is_late === 1,
    })),
  };
}

export default function AdminReviews() {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  const { rounds } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <h1>{t("reviews.admin.title")}</h1>
      <p>{t("reviews.admin.intro")}</p>
      {rounds.length === 0 ? (
        <p>{t("reviews.admin.none")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>{t("reviews.admin.listCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("reviews.columns.period")}</th>
                <th scope="col">{t("reviews.columns.deadline")}</th>
                <th scope="col">{t("reviews.columns.roundStatus")}</th>
                <th scope="col">{t("reviews.columns.returnStatus")}</th>
              </tr>
            </thead>
            <tbody>
              {rounds.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/admin/reviews/${r.id}`}>
                      {t("reviews.period", { from: f.month(r.periodFrom), to: f.month(r.periodTo) })}
                    </Link>
                  </td>
                  <td className="nowrap">{f.date(r.deadline)}</td>
                  <td>{t(`reviews.roundStatus.${r.roundStatus}`)}</td>
                  <td>
                    {t(`reviews.returnStatus.${r.returnStatus}`)}
                    {r.late ? ` (${t("reviews.late")})` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
