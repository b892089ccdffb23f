import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CsrfInput, ErrorSummary, TextArea, TextField } from "~/components/forms";
import { canKeepLiaison, LIAISON_KEEPERS, LIAISON_READERS } from "~/models/liaison/access";
import { addLiaisonMeeting, disbandLiaisonGroup, getLiaisonGroup } from "~/models/liaison/groups.server";
import { NewMeetingSchema, SUMMARY_MAX } from "~/models/liaison/schema";
import { assertDepartmentAccess, requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { formats } from "~/utils/formats";
import { type FieldErrors, formValues, parseForm } from "~/utils/forms";
import { badRequest, notFound } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

/** One liaison group: its services and meetings, the add-meeting form and the disband button. */
export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "liaison.title");

const NOTICES = ["created", "meetingAdded", "disbandedNotice"] as const;

function groupId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound();
  return id;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, LIAISON_READERS);
  const id = groupId(params.id);
  const found = await getLiaisonGroup(context.db, id);
  if (!found) throw notFound();
  await assertDepartmentAccess(context, user, found.group.department_id, { type: "liaison_group", id });
  const zh = (await getLocale(request)).startsWith("zh");
  const saved = new URL(request.url).searchParams.get("saved");
  const { group } = found;
  return {
    id,
    name: zh ? group.name_zh : group.name_en,
    kind: group.kind,
    department: zh ? group.department_name_zh : group.department_name_en,
    active: group.is_active === 1,
    canKeep: canKeepLiaison(user, group.department_id),
    services: found.services.map((s) => (zh ? s.name_zh : s.name_en)),
    meetings: found.meetings.map((m) => ({
      id: m.id,
      metOn: m.met_on,
      summaryEn: m.summary_en,
      summaryZh: m.summary_zh,
    })),
    saved: NOTICES.find((n) => n === saved) ?? null,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, LIAISON_KEEPERS);
  const id = groupId(params.id);
  const found = await getLiaisonGroup(context.db, id);
  if (!found) throw notFound();
  // A department administrator of another department: 404 and audited, as if it were not there.
  await assertDepartmentAccess(context, user, found.group.department_id, { type: "liaison_group", id });
  const intent = form.get("intent");
  if (intent === "add-meeting") {
    const values = formValues(form);
    const parsed = parseForm(NewMeetingSchema, form);
    if (!parsed.ok)
      return json<{ errors: FieldErrors; values: Record<string, string> }>(
        { errors: parsed.errors, values },
        400,
      );
    const r = await addLiaisonMeeting(context.db, user, found.group, parsed.data);
    if (!r.ok)
      return json<{ errors: FieldErrors; values: Record<string, string> }>({ errors: r.errors, values }, 400);
    return redirect(`/admin/liaison/${id}?saved=meetingAdded`);
  }
  if (intent === "disband") {
    await disbandLiaisonGroup(context.db, user, found.group);
    return redirect(`/admin/liaison/${id}?saved=disbandedNotice`);
  }
  throw badRequest();
}

export default function LiaisonGroupPage() {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors ?? {};
  const values = actionData?.values ?? {};
  const labels = {
    metOn: t("liaison.fields.metOn"),
    summaryEn: t("liaison.fields.summaryEn"),
    summaryZh: t("liaison.fields.summaryZh"),
  };
  return (
    <div className="container">
      <p>
        <Link to="/admin/liaison">{t("liaison.back")}</Link>
      </p>
      <h1>{data.name}</h1>
      <p>
        {t(`liaison.kinds.${data.kind}`)} · {data.department}
      </p>
      {data.saved ? (
        <p className="notice success" role="status">
          {t(`liaison.${data.saved}`)}
        </p>
      ) : null}
      {data.active ? null : <p className="notice">{t("liaison.disbandedOn")}</p>}
      <h2>{t("liaison.servicesTitle")}</h2>
      {data.services.length === 0 ? (
        <p>{t("liaison.noServices")}</p>
      ) : (
        <ul>
          {data.services.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      )}
      <h2 id="meetings">{t("liaison.meetingsTitle")}</h2>
      {data.meetings.length === 0 ? (
        <p>{t("liaison.noMeetings")}</p>
      ) : (
        <table aria-labelledby="meetings">
          <thead>
            <tr>
              <th scope="col">{t("liaison.meetingColumns.date")}</th>
              <th scope="col">{t("liaison.meetingColumns.summaryEn")}</th>
              <th scope="col">{t("liaison.meetingColumns.summaryZh")}</th>
            </tr>
          </thead>
          <tbody>
            {data.meetings.map((m) => (
              <tr key={m.id}>
                <td className="nowrap">{f.date(m.metOn)}</td>
                <td lang="en">{m.summaryEn}</td>
                <td lang="zh-HK">{m.summaryZh}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data.canKeep && data.active ? (
        <>
          <section aria-labelledby="add-meeting">
            <h2 id="add-meeting">{t("liaison.addMeetingTitle")}</h2>
            <ErrorSummary errors={errors} labels={labels} formError={errors.form} />
            <Form method="post" noValidate>
              <CsrfInput />
              <input type="hidden" name="intent" value="add-meeting" />
              <TextField
                name="metOn"
                type="date"
                label={labels.metOn}
                hint={t("liaison.fields.metOnHint")}
                error={errors.metOn}
                defaultValue={values.metOn}
                required
              />
              <TextArea
                name="summaryEn"
                label={labels.summaryEn}
                hint={t("liaison.fields.summaryHint", { max: SUMMARY_MAX })}
                error={errors.summaryEn}
                defaultValue={values.summaryEn}
                required
              />
              <TextArea
                name="summaryZh"
                label={labels.summaryZh}
                hint={t("liaison.fields.summaryHint", { max: SUMMARY_MAX })}
                error={errors.summaryZh}
                defaultValue={values.summaryZh}
                required
              />
              <button type="submit">{t("liaison.addMeeting")}</button>
            </Form>
          </section>
          <section aria-labelledby="disband">
            <h2 id="disband">{t("liaison.disbandTitle")}</h2>
            <p>{t("liaison.disbandBody")}</p>
            <Form method="post">
              <CsrfInput />
              <input type="hidden" name="intent" value="disband" />
              <button type="submit" className="secondary">
                {t("liaison.disband")}
              </button>
            </Form>
          </section>
        </>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("liaison.notFound")}</p> }} />;
}
