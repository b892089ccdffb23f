import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ClosureDayForm, ClosureList } from "~/components/calendar/closure-days";
import { addClosureDay, listClosureDays, removeClosureDay } from "~/models/calendar/closure-days.server";
import { ClosureDaySchema, RemoveClosureDaySchema } from "~/models/cases/schema";
import { denyAccess, requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { type FieldErrors, parseForm } from "~/utils/forms";
import { badRequest } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

/**
 * Territory-wide closure days, for the central bureau: the roles that see every department
 * (central_reviewer, system_admin). A typhoon signal No. 8 or a black rainstorm closes every
 * office at once, so one entry counts for every department's working days and moves the due dates
 * of every department's open cases it falls within. Departments enter their own closures on
 * /admin/case-settings.
 */
const CENTRAL_ROLES = ["central_reviewer", "system_admin"] as const;

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "caseSettings.central.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, CENTRAL_ROLES);
  const url = new URL(request.url);
  const closures = await listClosureDays(context.db, null);
  return {
    closures: closures.map((c) => ({ id: c.id, date: c.date, reasonEn: c.reason_en, reasonZh: c.reason_zh })),
    saved: url.searchParams.get("saved"),
    moved: Number(url.searchParams.get("moved")) || 0,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, CENTRAL_ROLES);
  const intent = form.get("intent");
  if (intent === "closure") {
    const parsed = parseForm(ClosureDaySchema, form);
    if (!parsed.ok) return json({ errors: parsed.errors }, 400);
    const r = await addClosureDay(context.db, user, null, parsed.data);
    if (!r.ok) {
      const errors: FieldErrors = { date: `caseSettings.errors.${r.error}` };
      return json({ errors }, 400);
    }
    return redirect(`/central/closure-days?saved=closure&moved=${r.moved}`);
  }
  if (intent === "remove-closure") {
    const parsed = parseForm(RemoveClosureDaySchema, form);
    if (!parsed.ok) throw badRequest();
    // Territory-wide days only: a department's own day is removed by its administrator.
    const r = await removeClosureDay(context.db, user, null, parsed.data.closureId);
    if (!r.ok)
      throw await denyAccess(context, user, "closure", { type: "closure_day", id: parsed.data.closureId });
    return redirect(`/central/closure-days?saved=closure-removed&moved=${r.moved}`);
  }
  throw badRequest();
}

export default function CentralClosureDays() {
  const { t, i18n } = useTranslation();
  const { closures, saved, moved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const zh = i18n.language.startsWith("zh");
  return (
    <div className="container narrow">
      <h1>{t("caseSettings.central.title")}</h1>
      <p>{t("caseSettings.central.intro")}</p>
      {saved === "closure" || saved === "closure-removed" ? (
        <p className="notice success" role="status">
          {saved === "closure"
            ? t("caseSettings.central.added", { count: moved })
            : t("caseSettings.central.removed", { count: moved })}
        </p>
      ) : null}
      <section aria-labelledby="closures-title">
        <h2 id="closures-title">{t("caseSettings.central.listTitle")}</h2>
        {closures.length ? (
          <ClosureList closures={closures} zh={zh} canRemove={() => true} />
        ) : (
          <p>{t("caseSettings.noClosures")}</p>
        )}
      </section>
      <section aria-labelledby="add-title">
        <h2 id="add-title">{t("caseSettings.central.addTitle")}</h2>
        <ClosureDayForm errors={actionData?.errors ?? {}} submitLabel={t("caseSettings.addClosure")} />
      </section>
    </div>
  );
}
