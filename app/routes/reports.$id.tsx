import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { BarChart, TrendChart } from "~/components/charts";
import { CsrfInput, TextArea } from "~/components/forms";
import { getPledge } from "~/models/pledges/registry.server";
import { UnmetNoteSchema } from "~/models/pledges/schema";
import { saveUnmetNote } from "~/models/pledges/unmet-notes.server";
import { requireReport } from "~/models/reports/access.server";
import {
  acknowledge,
  currentUnmetNotes,
  type DepartmentReport,
  getReport,
  markRead,
  REPORT_ROLES,
  recordsReading,
} from "~/models/reports/build.server";
import { denyAccess, requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { formats } from "~/utils/formats";
import { type FieldErrors, parseForm } from "~/utils/forms";
import { badRequest } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, "reports.view.pageTitle", {
    department: data?.report.departmentCode ?? "",
    month: data?.report.month ?? "",
  });

type StoredReport = Awaited<ReturnType<typeof requireReport>>;

/**
 * The stored report with the unmet-target notes as they are now: the snapshot keeps the notes of
 * the day it was generated, but a note recorded since (here or on the pledge's page) shows at once.
 * The stored snapshot itself is left as it is.
 */
async function withCurrentNotes(context: AppLoadContext, report: StoredReport): Promise<StoredReport> {
  const items = report.data.pledges.items;
  const notes = await currentUnmetNotes(
    context.db,
    report.departmentId,
    report.month,
    items.filter((p) => p.status === "not_met").map((p) => p.pledgeId),
  );
  if (notes.size === 0) return report;
  return {
    ...report,
    data: {
      ...report.data,
      pledges: {
        ...report.data.pledges,
        items: items.map((p) =>
          p.status === "not_met" ? { ...p, unmet: notes.get(p.pledgeId) ?? p.unmet } : p,
        ),
      },
    },
  };
}

/** One report; opening it marks it read for its department's manager or administrator. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, REPORT_ROLES);
  let report = await requireReport(context, user, params.id);
  const records = recordsReading(user, report.departmentId);
  const url = new URL(request.url);
  let acknowledgedNow = url.searchParams.get("acknowledged") === "1";
  if (records && !report.readAt) {
    await markRead(context.db, report.id, user.id);
    report = (await getReport(context.db, report.id, user))!;
    acknowledgedNow = false;
  }
  const noted = Number(url.searchParams.get("noted"));
  return {
    locale: await getLocale(request),
    canAcknowledge: records,
    /** the department's managers and administrators record why a target was missed, here */
    canRecordNotes: records,
    acknowledgedNow,
    /** the pledge whose note was just saved */
    notedPledgeId: Number.isSafeInteger(noted) && noted > 0 ? noted : null,
    report: await withCurrentNotes(context, report),
  };
}

const NOTE_FIELDS = ["reason", "correctiveProposal"] as const;
/** Each unmet pledge has a form of its own, so its fields carry the pledge in their names (and ids). */
const notePrefix = (pledgeId: number) => `note-${pledgeId}-`;

export interface NoteActionData {
  intent: "unmet-note";
  pledgeId: number;
  errors: FieldErrors;
  /** what was typed, shown again */
  values: Record<(typeof NOTE_FIELDS)[number], string>;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, REPORT_ROLES);
  const report = await requireReport(context, user, params.id);
  // Only the department's own managers and administrators acknowledge its report and record notes.
  if (!recordsReading(user, report.departmentId))
    throw await denyAccess(context, user, "role", { type: "report", id: report.id });
  // No intent: the acknowledge form as it was before there were two.
  const intent = form.get("intent") ?? "acknowledge";
  if (intent === "acknowledge") {
    await acknowledge(context.db, report.id, user.id, new Date(), report.departmentId);
    return redirect(`/reports/${report.id}?acknowledged=1`);
  }
  if (intent !== "unmet-note") throw badRequest();

  // The pledge must be the report's department's: another's is a 404, as if it were not there.
  const rawId = String(form.get("pledgeId") ?? "");
  const pledgeId = Number(rawId);
  const pledge =
    /^\d+$/.test(rawId) && Number.isSafeInteger(pledgeId)
      ? await getPledge(context.db, pledgeId, report.departmentId)
      : undefined;
  if (!pledge) throw await denyAccess(context, user, "department", { type: "pledge", id: rawId });

  const prefix = notePrefix(pledge.id);
  const values = Object.fromEntries(
    NOTE_FIELDS.map((f) => [f, String(form.get(prefix + f) ?? "")]),
  ) as NoteActionData["values"];
  // The month is the report's, set here: never taken from the form.
  const fields = new FormData();
  fields.set("period", report.month);
  for (const f of NOTE_FIELDS) if (form.has(prefix + f)) fields.set(f, values[f]);
  const fail = (errors: FieldErrors) =>
    json<NoteActionData>({ intent: "unmet-note", pledgeId: pledge.id, errors, values }, { status: 400 });
  const parsed = parseForm(UnmetNoteSchema, fields);
  if (!parsed.ok) return fail(parsed.errors);
  const saved = await saveUnmetNote(context.db, user, pledge, parsed.data);
  // On today's figures the month's target was met after all: nothing to record.
  if (!saved.ok) return fail({ form: "reports.pledges.note.notUnmet" });
  return redirect(`/reports/${report.id}?noted=${pledge.id}#unmet-${pledge.id}`);
}

const PRINT_CSS = `
  .no-print { display: none !important; }
  a { color: inherit; text-decoration: none; }
  section, figure, table, .card { break-inside: avoid; }
  h2 { break-after: avoid; }
  body { font-size: 11pt; }
`;

export default function ReportPage() {
  const { t } = useTranslation();
  const { locale, report, canAcknowledge, canRecordNotes, acknowledgedNow, notedPledgeId } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const r: DepartmentReport = report.data;
  const zh = locale.startsWith("zh");
  const f = formats(locale);
  const pick = (en: string | null, zhText: string | null) => (zh ? zhText : en) ?? "";
  const sections = [
    ["surveys", t("reports.surveys.title")],
    ["feedback", t("reports.feedback.title")],
    ["complaints", t("reports.complaints.title")],
    ["pledges", t("reports.pledges.title")],
    ["important", t("reports.important.title")],
  ] as const;
  const c = r.complaints;
  const unmet = r.pledges.items.filter((p) => p.status === "not_met");
  return (
    <div className="container">
      <style media="print">{PRINT_CSS}</style>
      <p className="no-print">
        <Link to="/reports">{t("reports.view.back")}</Link>
      </p>
      <p style={{ margin: 0, color: "var(--muted)" }}>{pick(r.department.nameEn, r.department.nameZh)}</p>
      <h1>{t("reports.view.heading", { month: f.month(r.month) })}</h1>
      <p>{t("reports.view.generatedAt", { at: f.at(r.generatedAt), date: r.asOf })}</p>
      <p className="no-print">{t("reports.view.linksHint")}</p>

      {acknowledgedNow ? (
        <p className="notice" role="status">
          {t("reports.view.acknowledgedNow")}
        </p>
      ) : null}
      {report.readAt ? <p>{t("reports.view.readAt", { at: f.at(report.readAt) })}</p> : null}
      {report.acknowledgedAt ? (
        <p>{t("reports.view.acknowledgedAt", { at: f.at(report.acknowledgedAt) })}</p>
      ) : null}
      {canAcknowledge ? null : (
        <p>
          {t("reports.view.managementRead", {
            value: report.managementReadAt ? f.at(report.managementReadAt) : t("reports.inbox.notYet"),
          })}
          <br />
          {t("reports.view.managementAcknowledged", {
            value: report.managementAcknowledgedAt
              ? f.at(report.managementAcknowledgedAt)
              : t("reports.inbox.notYet"),
          })}
        </p>
      )}
      {canAcknowledge && !report.acknowledgedAt ? (
        <Form method="post" className="no-print">
          <CsrfInput />
          <input type="hidden" name="intent" value="acknowledge" />
          <p className="hint">{t("reports.view.acknowledgeHint")}</p>
          <button type="submit" className="button">
            {t("reports.view.acknowledge")}
          </button>
        </Form>
      ) : null}
      <div
        className="no-print"
        style={{
          display: "flex",
          flexWrap: "wrap",
          gap: "0.5rem 1rem",
          alignItems: "center",
          marginTop: "1rem",
        }}
      >
        <a className="button secondary" href={`/reports/${report.id}.xlsx`}>
          {t("reports.view.xlsx")}
        </a>
        <a className="button secondary" href={`/reports/${report.id}.pdf`}>
          {t("reports.view.downloadPdf")}
        </a>
      </div>

      <nav aria-labelledby="report-contents" className="no-print">
        <h2 id="report-contents">{t("reports.view.contents")}</h2>
        <ol>
          {sections.map(([id, title]) => (
            <li key={id}>
              <a href={`#${id}`}>{title}</a>
            </li>
          ))}
        </ol>
      </nav>

      <section aria-labelledby="surveys">
        <h2 id="surveys">{t("reports.surveys.title")}</h2>
        <dl style={{ display: "flex", flexWrap: "wrap", gap: "0.25rem 2rem" }}>
          <Figure term={t("reports.surveys.responses")} href={r.surveys.responses.href}>
            {f.count(r.surveys.responses.count)}
          </Figure>
        </dl>
        {r.surveys.responses.count === 0 ? <p>{t("reports.surveys.none")}</p> : null}
        {r.surveys.byChannel.length ? (
          <>
            <h3>{t("reports.surveys.byChannel")}</h3>
            <BarChart
              title={t("reports.surveys.chartChannels", { month: f.month(r.month) })}
              data={r.surveys.byChannel.map((x) => ({
                label: t(`results.channels.${x.channel}`),
                value: x.count,
              }))}
              labelHeader={t("reports.surveys.channel")}
              valueHeader={t("reports.surveys.count")}
              shareHeader={t("reports.surveys.share")}
              formatValue={f.count}
              formatShare={(v) => f.percent(v)}
            />
            <ul className="no-print">
              {r.surveys.byChannel.map((x) => (
                <li key={x.channel}>
                  <a href={x.href}>
                    {t(`results.channels.${x.channel}`)}: {f.count(x.count)}
                  </a>
                </li>
              ))}
            </ul>
            <h3>{t("reports.surveys.byPoint")}</h3>
            <Table
              head={[t("reports.surveys.survey"), t("reports.surveys.point"), t("reports.surveys.count")]}
              rows={r.surveys.byCollectionPoint.map((p) => {
                const s = r.surveys.perSurvey.find((x) => x.surveyId === p.surveyId);
                return [
                  s ? pick(s.titleEn, s.titleZh) : String(p.surveyId),
                  p.pointId === null
                    ? t("reports.surveys.noPoint", { channel: t(`results.channels.${p.channel}`) })
                    : pick(p.nameEn, p.nameZh),
                  <a key="n" href={p.href}>
                    {f.count(p.count)}
                  </a>,
                ];
              })}
            />
          </>
        ) : null}

        <h3>{t("reports.surveys.perSurvey")}</h3>
        <Table
          head={[
            t("reports.surveys.survey"),
            t("reports.surveys.count"),
            t("reports.surveys.rated"),
            t("reports.surveys.satisfied"),
            t("reports.surveys.previous"),
            t("reports.surveys.change"),
          ]}
          rows={r.surveys.perSurvey.map((s) => [
            <a key="t" href={s.href}>
              {pick(s.titleEn, s.titleZh)}
            </a>,
            f.count(s.responses),
            f.count(s.rated),
            f.percent(s.share),
            f.percent(s.previousShare),
            s.change === null ? "—" : t("reports.surveys.changeValue", { value: f.signed(s.change) }),
          ])}
        />
        <h3>{t("reports.surveys.perService")}</h3>
        <Table
          head={[
            t("reports.surveys.service"),
            t("reports.surveys.rated"),
            t("reports.surveys.satisfied"),
            t("reports.surveys.previous"),
            t("reports.surveys.change"),
          ]}
          rows={r.surveys.perService.map((s) => [
            s.serviceId === null ? t("reports.surveys.departmentWide") : pick(s.nameEn, s.nameZh),
            f.count(s.rated),
            f.percent(s.share),
            f.percent(s.previousShare),
            s.change === null ? "—" : t("reports.surveys.changeValue", { value: f.signed(s.change) }),
          ])}
        />
        {r.surveys.perSurvey.map((s) => (
          <div key={s.surveyId}>
            <h4>{pick(s.titleEn, s.titleZh)}</h4>
            <p>
              {s.questionKey
                ? t("reports.surveys.question", { question: pick(s.promptEn, s.promptZh) })
                : t("reports.surveys.noQuestion")}
            </p>
            <TrendChart
              title={t("reports.surveys.trendTitle", { title: pick(s.titleEn, s.titleZh) })}
              data={s.trend.map((p) => ({
                label: f.shortMonth(p.month),
                count: p.responses,
                share: p.share,
              }))}
              labelHeader={t("reports.surveys.month")}
              countHeader={t("reports.surveys.count")}
              shareHeader={t("reports.surveys.satisfied")}
              formatCount={f.count}
              formatShare={f.wholePercent}
            />
          </div>
        ))}
      </section>

      <section aria-labelledby="feedback">
        <h2 id="feedback">{t("reports.feedback.title")}</h2>
        <dl style={{ display: "flex", flexWrap: "wrap", gap: "0.25rem 2rem" }}>
          <Figure term={t("reports.feedback.total")} href={r.feedback.total.href}>
            {f.count(r.feedback.total.count)}
          </Figure>
        </dl>
        {r.feedback.total.count === 0 ? (
          <p>{t("reports.feedback.none")}</p>
        ) : (
          <>
            <h3>{t("reports.feedback.byKindAndChannel")}</h3>
            <Table
              head={[t("reports.feedback.kind"), t("reports.feedback.channel"), t("reports.feedback.count")]}
              rows={r.feedback.byKindAndChannel.map((x) => [
                t(`feedback.kinds.${x.kind}`),
                t(`feedback.channels.${x.channel}`),
                <a key="n" href={x.href}>
                  {f.count(x.count)}
                </a>,
              ])}
            />
            <div style={{ display: "flex", flexWrap: "wrap", gap: "0 2rem" }}>
              <div>
                <h3>{t("reports.feedback.byKind")}</h3>
                <Table
                  head={[t("reports.feedback.kind"), t("reports.feedback.count")]}
                  rows={r.feedback.byKind.map((x) => [
                    t(`feedback.kinds.${x.kind}`),
                    <a key="n" href={x.href}>
                      {f.count(x.count)}
                    </a>,
                  ])}
                />
              </div>
              <div>
                <h3>{t("reports.feedback.byChannel")}</h3>
                <Table
                  head={[t("reports.feedback.channel"), t("reports.feedback.count")]}
                  rows={r.feedback.byChannel.map((x) => [
                    t(`feedback.channels.${x.channel}`),
                    <a key="n" href={x.href}>
                      {f.count(x.count)}
                    </a>,
                  ])}
                />
              </div>
            </div>
          </>
        )}
        <h3>{t("reports.feedback.comments")}</h3>
        <p>{t("reports.feedback.commentsHint")}</p>
        {r.feedback.comments.length === 0 ? (
          <p>{t("reports.feedback.noComments")}</p>
        ) : (
          <ol style={{ paddingLeft: "1.25rem" }}>
            {r.feedback.comments.map((x, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list, stored once
              <li key={i} style={{ marginBottom: "0.75rem" }}>
                <blockquote lang={x.language} style={{ margin: 0, whiteSpace: "pre-wrap" }}>
                  {x.text}
                </blockquote>
                <small>
                  <a href={x.href}>
                    {x.source === "survey"
                      ? t("reports.feedback.fromSurvey")
                      : t("reports.feedback.fromFeedback", { kind: t(`feedback.kinds.${x.kind}`) })}
                  </a>{" "}
                  · {f.at(x.at)}
                </small>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="complaints">
        <h2 id="complaints">{t("reports.complaints.title")}</h2>
        <p>{t("reports.complaints.overdueHint", { date: r.asOf })}</p>
        <Table
          head={[t("reports.complaints.figure"), t("reports.complaints.value")]}
          rows={(
            [
              [t("reports.complaints.received"), c.received],
              [t("reports.complaints.closed"), c.closed],
              [t("reports.complaints.withinPledge"), c.closedWithinPledge],
              [t("reports.complaints.ackMet"), { count: c.ackMet, href: c.closed.href }],
              [t("reports.complaints.replyMet"), { count: c.replyMet, href: c.closed.href }],
              [t("reports.complaints.overdue"), c.overdue],
              [t("reports.complaints.appealsLodged"), c.appeals.lodged],
              [t("reports.complaints.appealsDecided"), c.appeals.decided],
              [
                t("reports.complaints.decidedInTime"),
                { count: c.appeals.decidedInTime, href: c.appeals.decided.href },
              ],
              ...(["upheld", "partly_upheld", "not_upheld"] as const).map(
                (o) =>
                  [
                    t(`reports.complaints.outcomes.${o}`),
                    { count: c.appeals.outcomes[o], href: c.appeals.decided.href },
                  ] as const,
              ),
            ] as (readonly [string, { count: number; href: string }])[]
          ).map(([label, x]) => [
            label,
            <a key="n" href={x.href}>
              {f.count(x.count)}
            </a>,
          ])}
        />
      </section>

      <section aria-labelledby="pledges">
        <h2 id="pledges">{t("reports.pledges.title")}</h2>
        {r.pledges.items.length === 0 ? (
          <p>{t("reports.pledges.none")}</p>
        ) : (
          <>
            <p>
              {t("reports.pledges.summary", {
                met: f.count(r.pledges.met),
                notMet: f.count(r.pledges.notMet),
                insufficient: f.count(r.pledges.insufficient),
              })}
            </p>
            <Table
              head={[
                t("reports.pledges.pledge"),
                t("reports.pledges.target"),
                t("reports.pledges.achieved"),
                t("reports.pledges.sample"),
                t("reports.pledges.result"),
              ]}
              rows={r.pledges.items.map((p) => [
                <a key="p" href={p.href}>
                  {pick(p.statementEn, p.statementZh)}
                </a>,
                f.percent(p.target / 100),
                p.achieved === null ? "—" : f.percent(p.achieved / 100),
                f.count(p.sample),
                t(`reports.pledges.status.${p.status}`),
              ])}
            />
            <h3>{t("reports.pledges.unmetTitle")}</h3>
            {unmet.length === 0 ? (
              <p>{t("reports.pledges.allMet")}</p>
            ) : (
              unmet.map((p) => (
                <div
                  key={p.pledgeId}
                  id={`unmet-${p.pledgeId}`}
                  className="card"
                  style={{ marginBottom: "1rem" }}
                >
                  <h4>
                    <a href={p.href}>{pick(p.statementEn, p.statementZh)}</a>
                  </h4>
                  {notedPledgeId === p.pledgeId ? (
                    <p className="notice success no-print" role="status">
                      {t("reports.pledges.note.saved")}
                    </p>
                  ) : null}
                  {p.unmet ? (
                    <>
                      <dl>
                        <dt>{t("reports.pledges.reason")}</dt>
                        <dd style={{ whiteSpace: "pre-wrap" }}>{p.unmet.reason}</dd>
                        <dt>{t("reports.pledges.proposal")}</dt>
                        <dd style={{ whiteSpace: "pre-wrap" }}>{p.unmet.correctiveProposal}</dd>
                      </dl>
                      <p className="hint">
                        {t("reports.pledges.note.recordedAt", { at: f.at(p.unmet.recordedAt) })}
                      </p>
                    </>
                  ) : (
                    <p>
                      <strong>
                        {canRecordNotes
                          ? t("reports.pledges.noneRecordedHere")
                          : t("reports.pledges.noneRecorded")}
                      </strong>
                    </p>
                  )}
                  {canRecordNotes ? (
                    <NoteForm
                      action={`/reports/${report.id}`}
                      pledgeId={p.pledgeId}
                      month={f.month(r.month)}
                      statement={pick(p.statementEn, p.statementZh)}
                      note={p.unmet}
                      result={
                        actionData?.intent === "unmet-note" && actionData.pledgeId === p.pledgeId
                          ? actionData
                          : null
                      }
                    />
                  ) : null}
                </div>
              ))
            )}
          </>
        )}
      </section>

      <section aria-labelledby="important">
        <h2 id="important">{t("reports.important.title")}</h2>
        <p>{t("reports.important.hint")}</p>
        {r.importantFeedback.length === 0 ? (
          <p>{t("reports.important.none")}</p>
        ) : (
          <ol style={{ paddingLeft: "1.25rem" }}>
            {r.importantFeedback.map((x) => (
              <li key={x.feedbackId} style={{ marginBottom: "0.75rem" }}>
                <blockquote lang={x.language} style={{ margin: 0, whiteSpace: "pre-wrap" }}>
                  {x.summary}
                </blockquote>
                <small>
                  <a href={x.href}>
                    {t(`feedback.kinds.${x.kind}`)} · {t(`feedback.channels.${x.channel}`)}
                  </a>{" "}
                  · {f.at(x.loggedAt)} · {t("reports.important.notified", { at: f.at(x.notifiedAt) })}
                </small>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

/**
 * Why a target was missed and what will be done: one form per unmet pledge, posted to this page.
 * A recorded note is updated behind a disclosure; a missing one is an action item, so its form is open.
 */
function NoteForm({
  action,
  pledgeId,
  month,
  statement,
  note,
  result,
}: {
  /** the report's own address, so a note never carries the "saved" flag of the one before */
  action: string;
  pledgeId: number;
  month: string;
  statement: string;
  note: { reason: string; correctiveProposal: string } | null;
  result: NoteActionData | null;
}) {
  const { t } = useTranslation();
  const prefix = notePrefix(pledgeId);
  const errors = result?.errors ?? {};
  const fieldErrors = NOTE_FIELDS.some((f) => errors[f]);
  const form = (
    <Form method="post" action={action} preventScrollReset className="no-print">
      <CsrfInput />
      <input type="hidden" name="intent" value="unmet-note" />
      <input type="hidden" name="pledgeId" value={pledgeId} />
      {errors.form || fieldErrors ? (
        <p className="notice" role="alert">
          {t(errors.form ?? "reports.pledges.note.problem")}
        </p>
      ) : null}
      <TextArea
        name={`${prefix}reason`}
        label={t("reports.pledges.reason")}
        hint={t("reports.pledges.note.limit")}
        required
        rows={3}
        maxLength={2000}
        defaultValue={result?.values.reason ?? note?.reason ?? ""}
        error={errors.reason}
      />
      <TextArea
        name={`${prefix}correctiveProposal`}
        label={t("reports.pledges.proposal")}
        hint={t("reports.pledges.note.limit")}
        required
        rows={3}
        maxLength={2000}
        defaultValue={result?.values.correctiveProposal ?? note?.correctiveProposal ?? ""}
        error={errors.correctiveProposal}
      />
      <button type="submit" className="button">
        {t("reports.pledges.note.save")}
        <span className="visually-hidden"> {statement}</span>
      </button>
    </Form>
  );
  if (!note) {
    return (
      <>
        <p className="no-print">{t("reports.pledges.note.intro", { month })}</p>
        {form}
      </>
    );
  }
  return (
    <details className="no-print" open={result !== null}>
      <summary>{t("reports.pledges.note.update")}</summary>
      {form}
    </details>
  );
}

function Figure({ term, href, children }: { term: string; href: string; children: ReactNode }) {
  return (
    <div>
      <dt style={{ color: "var(--muted)" }}>{term}</dt>
      <dd style={{ margin: 0, fontWeight: 700, fontSize: "1.4rem" }}>
        <a href={href}>{children}</a>
      </dd>
    </div>
  );
}

function Table({ head, rows }: { head: string[]; rows: ReactNode[][] }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows of a stored report never reorder
            <tr key={i}>
              {row.map((cell, j) =>
                j === 0 ? (
                  // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
                  <th key={j} scope="row">
                    {cell}
                  </th>
                ) : (
                  // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
                  <td key={j}>{cell}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
