import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { listPublishedSurveys } from "~/models/surveys/public.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "home.giveFeedback");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const zh = (await getLocale(request)).startsWith("zh");
  const rows = await listPublishedSurveys(context.db);
  return {
    surveys: rows.map((r) => ({
      slug: r.slug,
      department: zh ? r.department_zh : r.department_en,
      title: zh ? r.title_zh : r.title_en,
      service: (zh ? r.service_zh : r.service_en) ?? null,
    })),
  };
}

/** "Give feedback": every department's open survey, for a citizen who did not come from a QR code. */
export default function Feedback() {
  const { t } = useTranslation();
  const { surveys } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <h1>{t("home.giveFeedback")}</h1>
      <p>{t("surveys.public.intro")}</p>
      {surveys.length === 0 ? <p>{t("surveys.public.none")}</p> : null}
      <ul className="cards">
        {surveys.map((s) => (
          <li key={s.slug} className="card">
            <h2 className="card-title">
              <Link to={`/s/${s.slug}`}>{s.department}</Link>
            </h2>
            <p>
              {s.title}
              {s.service ? ` · ${s.service}` : ""}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}
