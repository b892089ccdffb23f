import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, TextArea, TextField } from "~/components/forms";
import {
  adminErrors,
  PledgeFields,
  pledgeFieldLabels,
  resultText,
  targetSummary,
  UNMEASURABLE,
  versionDefaults,
} from "~/components/pledge-form";
import { lastCompleteMonths, quarterOf } from "~/models/calendar/periods";
import { hkMonth } from "~/models/calendar/time";
import { listServices } from "~/models/departments/departments.server";
import {
  listImports,
  listPledgeVersions,
  listUnmetNotes,
  ReadingSchema,
  recordReading,
  recordTransaction,
  satisfactionQuestions,
  saveUnmetNote,
  UnmetNoteSchema,
} from "~/models/pledges/data.server";
import {
  changePledge,
  getPledge,
  movePledge,
  PLEDGE_TRANSITIONS,
  unmeasurableField,
  versionFields,
} from "~/models/pledges/registry.server";
import { pledgeResults } from "~/models/pledges/results.server";
import { PledgeVersionSchema } from "~/models/pledges/schema";
import { denyAccess, requireUser, type SessionUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { formats } from "~/utils/formats";
import { type FieldErrors, formValues, parseForm } from "~/utils/forms";
import { badRequest, notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, "pledgesAdmin.pledge.title", { code: data?.pledge.code ?? "" });

const ADMINS = ["department_admin"] as const;
type Move = keyof typeof PLEDGE_TRANSITIONS;
// A function, not a constant: PLEDGE_TRANSITIONS comes from a .server module, which is empty in
// the browser bundle, and a module-level Object.keys() on it broke the page's JavaScript.
const allMoves = () => Object.keys(PLEDGE_TRANSITIONS) as Move[];

/** The pledge in the URL if it is the reader's department's; anything else is a 404, audited. */
async function requirePledge(context: AppLoadContext, user: SessionUser, idParam: string | undefined) {
  const id = Number(idParam);
  if (!Number.isInteger(id) || id <= 0) throw notFound();
  const pledge = await getPledge(context.db, id, user.departmentId);
  if (!pledge) throw await denyAccess(context, user, "department", { type: "pledge", id });
  return pledge;
}

/** Which data a pledge's version is measured by, and so which entry forms its page shows. */
function dataKind(v: { target_kind: string; timeliness_source: string | null }) {
  if (v.target_kind === "measured") return "readings" as const;
  if (v.target_kind === "timeliness" && v.timeliness_source === "transactions")
    return "transactions" as const;
  return null;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, ADMINS);
  const pledge = await requirePledge(context, user, params.id);
  const db = context.db;
  const versions = await listPledgeVersions(db, pledge.id);
  const current = versions.find((v) => v.id === pledge.current_version_id) ?? versions[0]!;
  const months = lastCompleteMonths(hkMonth(new Date()), 12);
  const quarters = [...new Set(months.map(quarterOf))];
  const years = [...new Set(months.map((m) => m.slice(0, 4)))];
  const kind = dataKind(current);
  const [results, notes, services, surveys, imports] = await Promise.all([
    pledgeResults(db, pledge, [...months, ...quarters, ...years]),
    listUnmetNotes(db, pledge.id),
    listServices(db, pledge.department_id),
    satisfactionQuestions(db, pledge.department_id),
    kind ? listImports(db, pledge, kind) : Promise.resolve([]),
  ]);
  const url = new URL(request.url);
  return {
    pledge: { id: pledge.id, code: pledge.code, status: pledge.status, serviceId: pledge.service_id },
    current,
    versions,
    defaults: versionDefaults(current, pledge.service_id),
    months: results.slice(0, months.length).reverse(),
    quarters: results.slice(months.length, months.length + quarters.length).reverse(),
    years: results.slice(months.length + quarters.length).reverse(),
    notes,
    moves: allMoves().filter((m) => PLEDGE_TRANSITIONS[m].from.includes(pledge.status)),
    services: services.map((s) => ({ id: s.id, nameEn: s.name_en, nameZh: s.name_zh })),
    surveys,
    kind,
    imports,
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
  const current = (await listPledgeVersions(db, pledge.id)).find((v) => v.id === pledge.current_version_id)!;

  switch (intent) {
    case "move": {
      const move = String(form.get("move") ?? "") as Move;
      if (!allMoves().includes(move)) throw badRequest();
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
  const errorsFor = (intent: string, period?: string): FieldErrors =>
    actionData && actionData.intent === intent && (period === undefined || actionData.period === period)
      ? actionData.errors
      : {};
  const valuesFor = (intent: string): Record<string, string> =>
    actionData && actionData.intent === intent ? actionData.values : {};
  const formError = actionData?.errors?.form;
  const f = formats(i18n.language);
  const unmet = months.filter((r) => r.status === "not_met");
  const noteFor = new Map(notes.map((n) => [n.period, n]));
  const editValues = actionData?.intent === "edit" ? actionData.values : data.defaults;
  const labels = pledgeFieldLabels(t);

  const resultsTable = (caption: string, rows: typeof months) => (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("pledgesAdmin.results.period")}</th>
            <th scope="col">{t("pledgesAdmin.results.achieved")}</th>
            <th scope="col">{t("pledgesAdmin.results.sample")}</th>
            <th scope="col">{t("pledgesAdmin.results.target")}</th>
            <th scope="col">{t("pledgesAdmin.results.statusColumn")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.period}>
              <th scope="row">{r.period}</th>
              <td>{r.achieved === null ? "—" : `${r.achieved}%`}</td>
              <td>{t("pledgesAdmin.results.ofSample", { compliant: r.compliant, sample: r.sample })}</td>
              <td>{r.target}%</td>
              <td>
                <span className={`badge ${r.status}`}>{t(`pledgesAdmin.results.status.${r.status}`)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );

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
        {resultsTable(t("pledgesAdmin.results.byMonth"), months)}
        {resultsTable(t("pledgesAdmin.results.byQuarter"), quarters)}
        {resultsTable(t("pledgesAdmin.results.byYear"), years)}
      </section>

      <section aria-labelledby="unmet-title">
        <h2 id="unmet-title">{t("pledgesAdmin.unmet.title")}</h2>
        <p>{t("pledgesAdmin.unmet.intro")}</p>
        {unmet.length === 0 ? <p>{t("pledgesAdmin.unmet.none")}</p> : null}
        {unmet.map((r) => {
          const errs = errorsFor("unmet-note", r.period);
          const note = noteFor.get(r.period);
          const vals =
            actionData?.intent === "unmet-note" && actionData.period === r.period ? actionData.values : {};
          const prefix = `note-${r.period}-`;
          return (
            <details key={r.period} open={!note || Object.keys(errs).length > 0}>
              <summary>
                {t("pledgesAdmin.unmet.month", { period: r.period, result: resultText(t, r) })}
                {note ? ` · ${t("pledgesAdmin.unmet.recorded")}` : ""}
              </summary>
              <ErrorSummary
                errors={Object.fromEntries(Object.entries(errs).map(([k, v]) => [prefix + k, v]))}
                labels={{
                  [`${prefix}reason`]: t("pledgesAdmin.unmet.reason"),
                  [`${prefix}correctiveProposal`]: t("pledgesAdmin.unmet.proposal"),
                }}
              />
              <Form method="post">
                <CsrfInput />
                <input type="hidden" name="intent" value="unmet-note" />
                <input type="hidden" name="period" value={r.period} />
                <NoteField
                  id={`field-${prefix}reason`}
                  name="reason"
                  label={t("pledgesAdmin.unmet.reason")}
                  defaultValue={vals.reason ?? note?.reason ?? ""}
                  error={errs.reason}
                />
                <NoteField
                  id={`field-${prefix}correctiveProposal`}
                  name="correctiveProposal"
                  label={t("pledgesAdmin.unmet.proposal")}
                  defaultValue={vals.correctiveProposal ?? note?.corrective_proposal ?? ""}
                  error={errs.correctiveProposal}
                />
                <button type="submit" className="button">
                  {t("pledgesAdmin.unmet.save")}
                  <span className="visually-hidden"> {r.period}</span>
                </button>
              </Form>
            </details>
          );
        })}
        <h3>{t("pledgesAdmin.unmet.recordedTitle")}</h3>
        {notes.length === 0 ? (
          <p>{t("pledgesAdmin.unmet.noNotes")}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{t("pledgesAdmin.unmet.recordedTitle")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("pledgesAdmin.results.period")}</th>
                  <th scope="col">{t("pledgesAdmin.unmet.reason")}</th>
                  <th scope="col">{t("pledgesAdmin.unmet.proposal")}</th>
                  <th scope="col">{t("pledgesAdmin.unmet.by")}</th>
                </tr>
              </thead>
              <tbody>
                {notes.map((n) => (
                  <tr key={n.id}>
                    <th scope="row">{n.period}</th>
                    <td style={{ whiteSpace: "pre-wrap" }}>{n.reason}</td>
                    <td style={{ whiteSpace: "pre-wrap" }}>{n.corrective_proposal}</td>
                    <td>
                      {n.recorded_by_name ?? "—"}
                      <br />
                      {f.at(n.recorded_at)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {kind === "readings" ? (
        <section aria-labelledby="reading-title">
          <h2 id="reading-title">{t("pledgesAdmin.reading.title")}</h2>
          <p>
            {t("pledgesAdmin.reading.intro", {
              measure: (zh ? current.measure_zh : current.measure_en) ?? "",
              min: current.plausible_min ?? "—",
              max: current.plausible_max ?? "—",
              unit: current.measure_unit ?? "",
            })}
          </p>
          <ErrorSummary
            errors={errorsFor("reading")}
            labels={{
              takenOn: t("pledgesAdmin.reading.date"),
              value: t("pledgesAdmin.reading.value"),
              evidenceNote: t("pledgesAdmin.reading.evidence"),
            }}
          />
          {actionData?.intent === "reading" &&
          actionData.errors.value === "pledgesAdmin.errors.implausible" ? (
            <p className="notice" role="alert">
              {t("pledgesAdmin.errors.implausibleDetail", actionData.messageValues ?? {})}
            </p>
          ) : null}
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="reading" />
            <div className="grid-2">
              <TextField
                name="takenOn"
                type="date"
                label={t("pledgesAdmin.reading.date")}
                required
                defaultValue={valuesFor("reading").takenOn}
                error={errorsFor("reading").takenOn}
              />
              <TextField
                name="value"
                label={t("pledgesAdmin.reading.value")}
                hint={current.measure_unit || undefined}
                required
                defaultValue={valuesFor("reading").value}
                error={errorsFor("reading").value}
              />
            </div>
            <TextArea
              name="evidenceNote"
              label={t("pledgesAdmin.reading.evidence")}
              hint={t("pledgesAdmin.reading.evidenceHint")}
              maxLength={1000}
              defaultValue={valuesFor("reading").evidenceNote}
              error={errorsFor("reading").evidenceNote}
            />
            <button type="submit" className="button">
              {t("pledgesAdmin.reading.submit")}
            </button>
          </Form>
        </section>
      ) : null}

      {kind === "transactions" ? (
        <section aria-labelledby="transaction-title">
          <h2 id="transaction-title">{t("pledgesAdmin.transaction.title")}</h2>
          <p>{t("pledgesAdmin.transaction.intro", { type: current.transaction_type ?? "" })}</p>
          <ErrorSummary
            errors={errorsFor("transaction")}
            labels={{
              externalRef: t("pledgesAdmin.transaction.ref"),
              receivedAt: t("pledgesAdmin.transaction.received"),
              completedAt: t("pledgesAdmin.transaction.completed"),
              transactionType: t("pledgesAdmin.fields.transactionType"),
            }}
          />
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="transaction" />
            <TextField
              name="externalRef"
              label={t("pledgesAdmin.transaction.ref")}
              hint={t("pledgesAdmin.transaction.refHint")}
              required
              maxLength={100}
              defaultValue={valuesFor("transaction").externalRef}
              error={errorsFor("transaction").externalRef}
            />
            <div className="grid-2">
              <TextField
                name="receivedAt"
                type="datetime-local"
                label={t("pledgesAdmin.transaction.received")}
                hint={t("pledgesAdmin.transaction.timeHint")}
                required
                defaultValue={valuesFor("transaction").receivedAt}
                error={errorsFor("transaction").receivedAt}
              />
              <TextField
                name="completedAt"
                type="datetime-local"
                label={t("pledgesAdmin.transaction.completed")}
                hint={t("pledgesAdmin.transaction.completedHint")}
                defaultValue={valuesFor("transaction").completedAt}
                error={errorsFor("transaction").completedAt}
              />
            </div>
            <button type="submit" className="button">
              {t("pledgesAdmin.transaction.submit")}
            </button>
          </Form>
        </section>
      ) : null}

      {kind ? (
        <section aria-labelledby="import-title">
          <h2 id="import-title">{t(`pledgesAdmin.import.title.${kind}`)}</h2>
          <p>{t(`pledgesAdmin.import.intro.${kind}`)}</p>
          <p>
            <Link className="button secondary" to={`/admin/pledges/${pledge.id}/import`}>
              {t("pledgesAdmin.import.open")}
            </Link>
          </p>
          {imports.length ? (
            <ul>
              {imports.map((i) => (
                <li key={i.id}>
                  {t("pledgesAdmin.import.done", {
                    filename: i.filename,
                    rows: i.rows,
                    when: f.at(i.imported_at),
                    who: i.imported_by_name ?? "—",
                  })}
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : (
        <section aria-labelledby="source-title">
          <h2 id="source-title">{t("pledgesAdmin.pledge.sourceTitle")}</h2>
          <p>
            {t(`pledgesAdmin.pledge.source.${current.target_kind === "satisfaction" ? "survey" : "cases"}`)}
          </p>
        </section>
      )}

      {pledge.status !== "retired" ? (
        <section aria-labelledby="edit-title">
          <h2 id="edit-title">{t("pledgesAdmin.edit.title")}</h2>
          <p>
            {pledge.status === "published"
              ? t("pledgesAdmin.edit.publishedNote")
              : t("pledgesAdmin.edit.draftNote")}
          </p>
          <ErrorSummary errors={errorsFor("edit")} labels={labels} />
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

      <section aria-labelledby="versions-title">
        <h2 id="versions-title">{t("pledgesAdmin.versions.title")}</h2>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t("pledgesAdmin.versions.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("pledgesAdmin.versions.no")}</th>
                <th scope="col">{t("pledgesAdmin.list.statement")}</th>
                <th scope="col">{t("pledgesAdmin.list.target")}</th>
                <th scope="col">{t("pledgesAdmin.versions.reason")}</th>
                <th scope="col">{t("pledgesAdmin.versions.effective")}</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.id}>
                  <th scope="row">{v.version_no}</th>
                  <td>{zh ? v.statement_zh : v.statement_en}</td>
                  <td>{targetSummary(t, v, zh)}</td>
                  <td>{t(`pledgesAdmin.reasons.${v.change_reason}`)}</td>
                  <td>
                    {v.effective_to
                      ? t("pledgesAdmin.versions.fromTo", { from: v.effective_from, to: v.effective_to })
                      : t("pledgesAdmin.versions.from", { from: v.effective_from })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

function NoteField({
  id,
  name,
  label,
  defaultValue,
  error,
}: {
  id: string;
  name: string;
  label: string;
  defaultValue: string;
  error?: string;
}) {
  const { t } = useTranslation();
  return (
    <div className={`field${error ? " field-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      <p className="hint" id={`${id}-hint`}>
        {t("pledgesAdmin.unmet.limit")}
      </p>
      {error ? (
        <p className="error-message" id={`${id}-error`}>
          <span className="visually-hidden">{t("forms.errorPrefix")}</span> {t(error)}
        </p>
      ) : null}
      <textarea
        id={id}
        name={name}
        rows={4}
        maxLength={2000}
        defaultValue={defaultValue}
        aria-required
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
      />
    </div>
  );
}
