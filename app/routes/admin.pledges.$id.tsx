import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { CsrfInput, ErrorSummary } from "~/components/forms";
import { DataSourceSection, ReadingSection, TransactionSection } from "~/components/pledges/data-entry";
import {
  adminErrors,
  PledgeFields,
  pledgeFieldLabels,
  targetSummary,
  UNMEASURABLE,
  versionDefaults,
} from "~/components/pledges/pledge-form";
import { ResultsTable } from "~/components/pledges/results-table";
import { UnmetNotesSection } from "~/components/pledges/unmet-notes";
import { VersionsTable } from "~/components/pledges/versions-table";
import { recordReading } from "~/models/pledges/readings.server";
import {
  changePledge,
  getPledge,
  isPledgeMove,
  movePledge,
  unmeasurableField,
  versionFields,
} from "~/models/pledges/registry.server";
import { PledgeVersionSchema, ReadingSchema, UnmetNoteSchema } from "~/models/pledges/schema";
import { recordTransaction } from "~/models/pledges/transactions.server";
import { saveUnmetNote } from "~/models/pledges/unmet-notes.server";
import { currentVersion, dataKind, pledgePageView } from "~/models/pledges/view.server";
import { denyAccess, requireUser, type SessionUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { type FieldErrors, formValues, parseForm } from "~/utils/forms";
import { badRequest, notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, "pledgesAdmin.pledge.title", { code: data?.pledge.code ?? "" });

const ADMINS = ["department_admin"] as const;

/** The pledge in the URL if it is the reader's department's; anything else is a 404, audited. */
async function requirePledge(context: AppLoadContext, user: SessionUser, idParam: string | undefined) {
  const id = Number(idParam);
  if (!Number.isInteger(id) || id <= 0) throw notFound();
  const pledge = await getPledge(context.db, id, user.departmentId);
  if (!pledge) throw await denyAccess(context, user, "department", { type: "pledge", id });
  return pledge;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, ADMINS);
  const pledge = await requirePledge(context, user, params.id);
  const view = await pledgePageView(context.db, pledge);
  const url = new URL(request.url);
  return {
    ...view,
    defaults: versionDefaults(view.current, pledge.service_id),
    saved: url.searchParams.get("saved"),
    rows: url.searchParams.get("rows"),
  };
}

type ActionResult = {
  intent: string;
  period?: string;
  errors: FieldErrors;
  values: Record<string, string>;
  messageValues?: Record<string, string | number>;
  field?: string;
};

/** `2026-09-22T09:30` from a datetime-local input is Hong Kong time, written as the CSV writes it. */
function localTime(v: FormDataEntryValue | null): string {
  const s = typeof v === "string" ? v.trim() : "";
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(s) ? s.replace("T", " ") : s;
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, ADMINS);
  const pledge = await requirePledge(context, user, params.id);
  const db = context.db;
  const intent = String(form.get("intent") ?? "");
  const values = formValues(form);
  const fail = (
    errors: FieldErrors,
    status = 400,
    extra: Pick<ActionResult, "period" | "messageValues" | "field"> = {},
  ) => json<ActionResult>({ intent, errors: adminErrors(errors), values, ...extra }, { status });
  const done = (what: string) => redirect(`/admin/pledges/${pledge.id}?saved=${what}`);
  const current = await currentVersion(db, pledge);

  switch (intent) {
    case "move": {
      const move = String(form.get("move") ?? "");
      if (!isPledgeMove(move)) throw badRequest();
      // The table of transitions decides; a move it does not allow writes nothing.
      const ok = await movePledge(db, user, pledge, move);
      return ok ? done(move) : fail({ form: "pledgesAdmin.errors.moveNotAllowed" }, 409);
    }
    case "edit": {
      if (pledge.status === "retired") return fail({ form: "pledgesAdmin.errors.retired" }, 409);
      const parsed = parseForm(PledgeVersionSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      // A published pledge is never changed in place: a new version needs its reason first.
      if (pledge.status === "published" && !parsed.data.changeReason)
        return fail({ changeReason: "pledgesAdmin.errors.reasonRequired" });
      const field = await unmeasurableField(db, pledge.department_id, parsed.data);
      if (field)
        return fail({ [field]: UNMEASURABLE[field] ?? "pledgesAdmin.errors.notMeasurable" }, 400, { field });
      const r = await changePledge(
        db,
        user,
        pledge,
        versionFields(parsed.data),
        parsed.data.changeReason,
        parsed.data.serviceId,
      );
      if (!r.ok)
        return r.error === "reasonRequired"
          ? fail({ changeReason: "pledgesAdmin.errors.reasonRequired" })
          : fail({ form: "pledgesAdmin.errors.retired" }, 409);
      return done(r.newVersion ? "new-version" : "updated");
    }
    case "unmet-note": {
      const parsed = parseForm(UnmetNoteSchema, form);
      const period = String(form.get("period") ?? "");
      if (!parsed.ok) return fail(parsed.errors, 400, { period });
      const r = await saveUnmetNote(db, user, pledge, parsed.data);
      if (!r.ok) return fail({ form: "pledgesAdmin.errors.notUnmet" }, 400, { period });
      return done("note");
    }
    case "reading": {
      if (current.target_kind !== "measured") throw badRequest();
      const parsed = parseForm(ReadingSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      const r = await recordReading(db, user, pledge, current, parsed.data);
      if (!r.ok) return fail(r.errors, 400, { messageValues: r.values });
      return done("reading");
    }
    case "transaction": {
      if (dataKind(current) !== "transactions") throw badRequest();
      const r = await recordTransaction(db, user, pledge.department_id, {
        transactionType: current.transaction_type ?? "",
        externalRef: String(form.get("externalRef") ?? ""),
        receivedAt: localTime(form.get("receivedAt")),
        completedAt: localTime(form.get("completedAt")) || null,
      });
      if (!r.ok) return fail(r.errors);
      return done(`transaction-${r.outcome}`);
    }
    default:
      throw badRequest();
  }
}

export default function PledgePage() {
  const { t, i18n } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const { pledge, current, versions, months, quarters, years, notes, moves, kind, imports, saved } = data;
  const actionData = useActionData<typeof action>();
  const zh = i18n.language.startsWith("zh");
  const posted = (intent: string) => (actionData && actionData.intent === intent ? actionData : null);
  const errorsFor = (intent: string): FieldErrors => posted(intent)?.errors ?? {};
  const formError = actionData?.errors?.form;
  const editValues = actionData?.intent === "edit" ? actionData.values : data.defaults;

  return (
    <div className="container">
      <p>
        <Link to="/admin/pledges">{t("pledgesAdmin.list.title")}</Link>
      </p>
      <h1>{t("pledgesAdmin.pledge.title", { code: pledge.code })}</h1>
      <p className="lead">{zh ? current.statement_zh : current.statement_en}</p>
      <p>
        <span className={`badge ${pledge.status}`}>{t(`pledgesAdmin.status.${pledge.status}`)}</span>{" "}
        {t("pledgesAdmin.pledge.versionInfo", { n: current.version_no })} ·{" "}
        {t(`pledgesAdmin.kinds.${current.target_kind}`)}: {targetSummary(t, current, zh)}
      </p>
      {saved ? (
        <p className="notice success" role="status">
          {t(`pledgesAdmin.saved.${saved}`, { rows: data.rows ?? "", defaultValue: t("admin.saved") })}
        </p>
      ) : null}
      {formError ? (
        <p className="notice" role="alert">
          {t(formError)}
        </p>
      ) : null}

      {moves.length ? (
        <div className="actions">
          {moves.map((m) => (
            <Form method="post" className="inline-form" key={m}>
              <CsrfInput />
              <input type="hidden" name="intent" value="move" />
              <button
                type="submit"
                name="move"
                value={m}
                className={m === "retire" ? "button secondary" : "button"}
              >
                {t(`pledgesAdmin.moves.${m}`)}
              </button>
            </Form>
          ))}
        </div>
      ) : null}

      <section aria-labelledby="results-title">
        <h2 id="results-title">{t("pledgesAdmin.results.title")}</h2>
        <p>{t("pledgesAdmin.results.intro", { minSample: current.min_sample })}</p>
        <ResultsTable caption={t("pledgesAdmin.results.byMonth")} rows={months} />
        <ResultsTable caption={t("pledgesAdmin.results.byQuarter")} rows={quarters} />
        <ResultsTable caption={t("pledgesAdmin.results.byYear")} rows={years} />
      </section>

      <UnmetNotesSection
        unmet={months.filter((r) => r.status === "not_met")}
        notes={notes}
        posted={posted("unmet-note")}
      />
      {kind === "readings" ? <ReadingSection version={current} posted={posted("reading")} /> : null}
      {kind === "transactions" ? (
        <TransactionSection transactionType={current.transaction_type} posted={posted("transaction")} />
      ) : null}
      <DataSourceSection
        pledgeId={pledge.id}
        kind={kind}
        targetKind={current.target_kind}
        imports={imports}
      />

      {pledge.status !== "retired" ? (
        <section aria-labelledby="edit-title">
          <h2 id="edit-title">{t("pledgesAdmin.edit.title")}</h2>
          <p>
            {pledge.status === "published"
              ? t("pledgesAdmin.edit.publishedNote")
              : t("pledgesAdmin.edit.draftNote")}
          </p>
          <ErrorSummary errors={errorsFor("edit")} labels={pledgeFieldLabels(t)} />
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="edit" />
            <PledgeFields
              values={editValues}
              errors={errorsFor("edit")}
              services={data.services}
              surveys={data.surveys}
              withReason={pledge.status === "published"}
            />
            <button type="submit" className="button">
              {t("pledgesAdmin.edit.submit")}
            </button>
          </Form>
        </section>
      ) : null}

      <VersionsTable versions={versions} />
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("errors.notFound.pledge")}</p> }} />;
}
