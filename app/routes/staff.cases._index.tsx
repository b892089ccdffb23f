import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CaseFilters } from "~/components/cases/case-filters";
import { CsrfInput } from "~/components/forms";
import { TableRegion } from "~/components/table-region";
import { type BulkRefusal, bulkAssign, bulkMove } from "~/models/cases/bulk.server";
import { departmentClosureDates } from "~/models/cases/deadlines.server";
import { maskedContact } from "~/models/cases/export.server";
import { CASE_HANDLER_ROLES } from "~/models/cases/lifecycle";
import { BULK_LIMIT, BULK_MOVES, type CASE_STATUSES, type FilterError } from "~/models/cases/list";
import { CASE_LIST_PARAMS, filterParams, listCases, parseCaseFilter } from "~/models/cases/list.server";
import { CASE_LIST_ROLES, listScope } from "~/models/cases/list-scope.server";
import { listCaseQueue, nextDeadline, QUEUE_TABS } from "~/models/cases/queue.server";
import { acceptReferral, listIncomingReferrals, returnReferral } from "~/models/cases/referral.server";
import { listCaseHandlers } from "~/models/cases/view.server";
import { listDepartments, listServices, localName } from "~/models/departments/departments.server";
import { requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { formats } from "~/utils/formats";
import { type FieldErrors, parseForm } from "~/utils/forms";
import { badRequest } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "cases.queue.title");

/** The list's own parameters, kept from a URL or a form's `returnTo` (nothing else is carried). */
function listQuery(p: URLSearchParams, withCursor: boolean): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of p) {
    if ((CASE_LIST_PARAMS as readonly string[]).includes(k) || (withCursor && k === "cursor"))
      out.append(k, v);
  }
  return out;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, CASE_LIST_ROLES);
  const now = new Date();
  // A GET writes nothing: the worker tells managers about newly overdue cases (flagOverdueCases).
  const locale = await getLocale(request);
  const zh = locale.startsWith("zh");
  const url = new URL(request.url);
  const p = listQuery(url.searchParams, true);
  const scope = await listScope(context, user, p.get("dept"));
  const reviewer = user.role === "central_reviewer";
  // No filter at all: the first tab, as the queue always opened (a reviewer sees every case).
  if (!reviewer && ![...p.keys()].some((k) => k !== "dept")) p.set("tab", "unassigned");
  const parsed = parseCaseFilter(p, user);
  const errors: FilterError[] = parsed.ok ? [] : [...parsed.errors];
  if (scope.kind === "unknown")
    errors.unshift({ param: "dept", value: scope.code.slice(0, 60), code: "invalid" });
  const departments = reviewer
    ? (await listDepartments(context.db)).map((d) => ({ code: d.code, name: localName(d, locale) }))
    : [];
  const base = {
    locale,
    readOnly: scope.kind !== "department" || scope.readOnly,
    chooseDepartment: scope.kind === "choose",
    department:
      scope.kind === "department"
        ? { code: scope.department.code, name: localName(scope.department, locale) }
        : null,
    departments,
    values: Object.fromEntries(
      CASE_LIST_PARAMS.map((k) => [k, k === "status" ? "" : (url.searchParams.get(k) ?? "")]),
    ) as Record<string, string>,
    statusValues: url.searchParams.getAll("status"),
    tab: parsed.ok ? parsed.filter.tab : null,
    tabs: QUEUE_TABS,
    saved: url.searchParams.get("saved"),
    bulkDone: url.searchParams.get("bulk"),
    bulkCount: Number(url.searchParams.get("count")) || 0,
    errors,
    services: [] as { id: number; name: string }[],
    officers: [] as { id: number; name: string }[],
    rows: [] as Row[],
    next: null as string | null,
    first: null as string | null,
    exportQuery: null as string | null,
    exportable: true,
    truncated: false,
    referrals: [] as Referral[],
  };
  if (scope.kind !== "department" || !parsed.ok || errors.length > 0)
    return json(base, { status: errors.length > 0 ? 400 : 200 });

  const departmentId = scope.department.id;
  const f = parsed.filter;
  const [services, officers, closures, referrals] = await Promise.all([
    listServices(context.db, departmentId),
    listCaseHandlers(context.db, departmentId),
    departmentClosureDates(context.db, departmentId),
    scope.readOnly ? Promise.resolve([]) : listIncomingReferrals(context.db, departmentId),
  ]);
  const shown = filterParams(f);
  if (reviewer || p.get("dept")) shown.set("dept", scope.department.code);
  const data = {
    ...base,
    services: services.map((s) => ({ id: s.id, name: localName(s, locale) })),
    officers: officers.map((o) => ({ id: o.id, name: o.display_name })),
    exportQuery: shown.toString(),
    first: p.get("cursor") ? shown.toString() : null,
    referrals: referrals.map((r) => ({
      id: r.id,
      reference: r.reference,
      reason: r.reason,
      referredAt: r.created_at,
      receivedAt: r.received_at,
      whatHappened: r.what_happened.length > 300 ? `${r.what_happened.slice(0, 300)}…` : r.what_happened,
      from: zh ? r.from_name_zh : r.from_name_en,
      service: (zh ? r.service_zh : r.service_en) ?? null,
    })),
  };
  const toRow = (r: {
    id: number;
    reference: string;
    received_at: string;
    status: (typeof CASE_STATUSES)[number];
    service_en: string | null;
    service_zh: string | null;
    assigned_name: string | null;
    contact_email_enc: string | null;
    contact_phone_enc: string | null;
    next: ReturnType<typeof nextDeadline>;
  }): Row => ({
    id: r.id,
    reference: r.reference,
    receivedAt: r.received_at,
    status: r.status,
    service: (zh ? r.service_zh : r.service_en) ?? null,
    assignedName: r.assigned_name,
    contact: maskedContact(context.env.PII_KEY, r),
    next: r.next,
  });
  if (f.tab === "due-soon") {
    // Counted in working days with the department's closure days: the queue's own query.
    const queue = await listCaseQueue(context.db, departmentId, { tab: "due-soon", userId: user.id, now });
    return json({ ...data, exportable: false, rows: queue.rows.map(toRow), truncated: queue.truncated });
  }
  const page = await listCases(context.db, departmentId, f, {
    cursorKey: context.env.SESSION_SECRET,
    cursor: p.get("cursor"),
    now,
  });
  if (!page.ok) return json({ ...data, errors: [page.error] }, { status: 400 });
  const next = page.next ? new URLSearchParams(shown) : null;
  if (next && page.next) next.set("cursor", page.next);
  return json({
    ...data,
    rows: page.rows.map((r) => toRow({ ...r, next: nextDeadline(r, now, closures) })),
    next: next?.toString() ?? null,
  });
}

interface Row {
  id: number;
  reference: string;
  receivedAt: string;
  status: (typeof CASE_STATUSES)[number];
  service: string | null;
  assignedName: string | null;
  contact: { email: string | null; phone: string | null };
  next: ReturnType<typeof nextDeadline>;
}

interface Referral {
  id: number;
  reference: string;
  reason: string;
  referredAt: string;
  receivedAt: string;
  whatHappened: string;
  from: string;
  service: string | null;
}

const ReferralDecisionSchema = z.object({
  intent: z.enum(["accept-referral", "return-referral"], { error: "validation.invalid" }),
  referralId: z.coerce.number({ error: "validation.invalid" }).int().positive(),
  returnNote: z.string().trim().max(2000, { error: "validation.tooLong" }).optional(),
});

type ActionResult = {
  referralId: number | null;
  errors: FieldErrors;
  bulk?:
    | { refusal: BulkRefusal; move: string | null }
    | { error: "noneSelected" | "tooMany" | "officer" | "move" };
};

/** Many cases at once (the list's checkboxes): assign, or one move of the lifecycle table. */
async function bulkAction(
  form: FormData,
  context: ActionFunctionArgs["context"],
  user: { id: number; departmentId: number | null },
) {
  const intent = String(form.get("intent"));
  const fail = (bulk: ActionResult["bulk"]) =>
    json<ActionResult>({ referralId: null, errors: {}, bulk }, 400);
  const raw = form.getAll("case").map(String);
  if (raw.length === 0) return fail({ error: "noneSelected" });
  if (raw.length > BULK_LIMIT) return fail({ error: "tooMany" });
  if (raw.some((v) => !/^\d{1,9}$/.test(v))) throw badRequest();
  const ids = [...new Set(raw.map(Number))];
  const actor = { id: user.id, departmentId: user.departmentId! };
  let result: Awaited<ReturnType<typeof bulkAssign>>;
  let move: string | null = null;
  if (intent === "bulk-assign") {
    const officer = String(form.get("officer") ?? "");
    if (officer !== "none" && !/^\d{1,9}$/.test(officer)) return fail({ error: "officer" });
    result = await bulkAssign(context.db, actor, ids, officer === "none" ? null : Number(officer));
  } else {
    const m = BULK_MOVES.find((x) => x === form.get("move"));
    if (!m) return fail({ error: "move" });
    move = m;
    result = await bulkMove(context.db, actor, ids, m);
  }
  if (!result.ok) return fail({ refusal: result.refusal, move });
  const back = listQuery(new URLSearchParams(String(form.get("returnTo") ?? "")), false);
  back.set("bulk", intent === "bulk-assign" ? "assigned" : "moved");
  back.set("count", String(result.count));
  return redirect(`/staff/cases?${back}`);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, CASE_HANDLER_ROLES);
  const intent = form.get("intent");
  if (intent === "bulk-assign" || intent === "bulk-move") return bulkAction(form, context, user);
  const parsed = parseForm(ReferralDecisionSchema, form);
  if (!parsed.ok) {
    if (parsed.errors.intent || parsed.errors.referralId) throw badRequest();
    return json<ActionResult>(
      { referralId: Number(form.get("referralId")) || null, errors: parsed.errors },
      400,
    );
  }
  const { referralId } = parsed.data;
  const actor = { id: user.id, departmentId: user.departmentId! };
  const r =
    parsed.data.intent === "accept-referral"
      ? await acceptReferral(context.db, actor, referralId)
      : await returnReferral(context.db, actor, referralId, { note: parsed.data.returnNote ?? "" });
  if (!r.ok) {
    const status = r.error === "noteRequired" ? 400 : 404;
    const errors: FieldErrors =
      r.error === "noteRequired"
        ? { returnNote: "validation.required" }
        : { form: "cases.errors.referralGone" };
    return json<ActionResult>({ referralId, errors }, status);
  }
  return parsed.data.intent === "accept-referral"
    ? redirect(`/staff/cases/${r.caseId}?saved=refer-accept`)
    : redirect("/staff/cases?saved=refer-return");
}

/** One message for a bad filter value, in the reader's language. */
function FilterErrorText({ e }: { e: FilterError }) {
  const { t } = useTranslation();
  const param = t(`caseLists.params.${e.param}`, { defaultValue: e.param });
  return <>{t(`caseLists.errors.${e.code}`, { param, value: e.value })}</>;
}

export default function CaseQueue() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const { locale, tab, tabs, rows, referrals, truncated, saved, readOnly, values, errors } = data;
  const filtering =
    !!data.chooseDepartment ||
    errors.length > 0 ||
    data.statusValues.length > 0 ||
    Object.entries(values).some(([k, v]) => v !== "" && k !== "tab" && k !== "dept" && k !== "sort");
  const actionData = useActionData<typeof action>();
  const f = formats(locale);
  const formatDue = f.date;
  const listTitle = tab ? t(`cases.queue.tabs.${tab}`) : t("caseLists.filteredTitle");
  const bulk = actionData?.bulk;
  const caption = data.department ? `${listTitle} · ${data.department.name}` : listTitle;
  return (
    <div className="container">
      <h1>{t("cases.queue.title")}</h1>
      <div aria-live="polite">
        {saved === "refer-return" ? (
          <p className="notice success" role="status">
            {t("cases.saved.refer-return")}
          </p>
        ) : null}
        {data.bulkDone && !bulk ? (
          <p className="notice success" role="status">
            {t(`caseLists.bulk.done.${data.bulkDone === "assigned" ? "assigned" : "moved"}`, {
              count: data.bulkCount,
            })}
          </p>
        ) : null}
      </div>
      <div aria-live="assertive">
        {actionData?.errors?.form ? (
          <p className="notice" role="alert">
            {t(actionData.errors.form)}
          </p>
        ) : null}
        {bulk ? (
          <p className="notice" role="alert">
            {"refusal" in bulk
              ? t(`caseLists.bulk.refused.${bulk.refusal.reason}`, {
                  reference: bulk.refusal.reference ?? `#${bulk.refusal.caseId}`,
                  status: bulk.refusal.status ? t(`cases.status.${bulk.refusal.status}`) : "",
                  move: bulk.move ? t(`cases.moves.${bulk.move}`) : "",
                })
              : t(`caseLists.bulk.errors.${bulk.error}`, { count: BULK_LIMIT })}
          </p>
        ) : null}
        {errors.length > 0 ? (
          <div className="error-summary" role="alert">
            <h2>{t("caseLists.errors.title")}</h2>
            <ul>
              {errors.map((e) => (
                <li key={`${e.param}-${e.value}`}>
                  <FilterErrorText e={e} />
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>

      {referrals.length > 0 ? (
        <section aria-labelledby="referred-to-us">
          <h2 id="referred-to-us">{t("cases.referrals.incomingTitle")}</h2>
          <p>{t("cases.referrals.incomingIntro")}</p>
          <div>
            {referrals.map((r) => {
              const errors = actionData?.referralId === r.id ? actionData.errors : {};
              return (
                <div key={r.id} className="card">
                  <h3>
                    {r.reference}{" "}
                    <span className="badge">
                      {t("cases.referrals.fromDepartment", { department: r.from })}
                    </span>
                  </h3>
                  <dl>
                    <dt>{t("cases.fields.received")}</dt>
                    <dd>{f.dayOf(r.receivedAt)}</dd>
                    <dt>{t("cases.referrals.referredOn")}</dt>
                    <dd>{f.dayOf(r.referredAt)}</dd>
                    <dt>{t("cases.fields.service")}</dt>
                    <dd>{r.service ?? t("cases.fields.noService")}</dd>
                    <dt>{t("cases.referrals.reason")}</dt>
                    <dd>{r.reason}</dd>
                    <dt>{t("cases.fields.whatHappened")}</dt>
                    <dd>{r.whatHappened}</dd>
                  </dl>
                  <div className="actions">
                    <Form method="post" className="inline-form">
                      <CsrfInput />
                      <input type="hidden" name="referralId" value={r.id} />
                      <button type="submit" name="intent" value="accept-referral" className="button">
                        {t("cases.referrals.accept")}
                        <span className="visually-hidden"> {r.reference}</span>
                      </button>
                    </Form>
                  </div>
                  <Form method="post">
                    <CsrfInput />
                    <input type="hidden" name="intent" value="return-referral" />
                    <input type="hidden" name="referralId" value={r.id} />
                    <div className={`field${errors.returnNote ? " field-error" : ""}`}>
                      <label htmlFor={`field-returnNote-${r.id}`}>{t("cases.referrals.returnNote")}</label>
                      <p className="hint" id={`field-returnNote-${r.id}-hint`}>
                        {t("cases.referrals.returnNoteHint")}
                      </p>
                      {errors.returnNote ? (
                        <p className="error-message" id={`field-returnNote-${r.id}-error`}>
                          <span className="visually-hidden">{t("forms.errorPrefix")}</span>{" "}
                          {t(errors.returnNote)}
                        </p>
                      ) : null}
                      <textarea
                        id={`field-returnNote-${r.id}`}
                        name="returnNote"
                        rows={2}
                        maxLength={2000}
                        aria-describedby={`field-returnNote-${r.id}-hint${errors.returnNote ? ` field-returnNote-${r.id}-error` : ""}`}
                        aria-invalid={errors.returnNote ? true : undefined}
                      />
                    </div>
                    <button type="submit" className="button secondary">
                      {t("cases.referrals.return")}
                      <span className="visually-hidden"> {r.reference}</span>
                    </button>
                  </Form>
                </div>
              );
            })}
          </div>
        </section>
      ) : null}

      {readOnly && data.department ? (
        <p className="hint">{t("caseLists.readOnly", { department: data.department.name })}</p>
      ) : null}

      {!readOnly ? (
        <nav aria-label={t("cases.queue.tabsLabel")} className="actions">
          {tabs.map((key) => (
            <Link
              key={key}
              to={`/staff/cases?tab=${key}`}
              aria-current={key === tab ? "page" : undefined}
              className={key === tab ? "button" : "button secondary"}
            >
              {t(`cases.queue.tabs.${key}`)}
            </Link>
          ))}
        </nav>
      ) : null}

      <CaseFilters
        open={filtering}
        values={values}
        statusValues={data.statusValues}
        departments={data.departments}
        services={data.services}
        officers={data.officers}
      />

      {data.chooseDepartment ? <p>{t("caseLists.chooseDepartment")}</p> : null}
      {data.exportQuery != null ? (
        <>
          <h2>{listTitle}</h2>
          {data.exportable ? (
            <p className="actions">
              <a href={`/staff/cases/export.csv?${data.exportQuery}`}>{t("caseLists.export.csv")}</a>{" "}
              <a href={`/staff/cases/export.xlsx?${data.exportQuery}`}>{t("caseLists.export.xlsx")}</a>
            </p>
          ) : null}
          {rows.length === 0 ? <p>{t("cases.queue.none")}</p> : null}
          {truncated ? <p className="hint">{t("cases.queue.truncated", { count: rows.length })}</p> : null}
        </>
      ) : null}
      {rows.length > 0 ? (
        <Form method="post" id="bulk-form">
          {!readOnly ? (
            <>
              <CsrfInput />
              <input type="hidden" name="returnTo" value={data.exportQuery ?? ""} />
            </>
          ) : null}
          <TableRegion caption={caption}>
            <thead>
              <tr>
                {!readOnly ? (
                  <th scope="col">
                    <span className="visually-hidden">{t("caseLists.bulk.select")}</span>
                  </th>
                ) : null}
                <th scope="col">{t("cases.fields.reference")}</th>
                <th scope="col">{t("cases.fields.received")}</th>
                <th scope="col">{t("cases.fields.service")}</th>
                <th scope="col">{t("cases.fields.status")}</th>
                <th scope="col">{t("cases.fields.assignedTo")}</th>
                <th scope="col">{t("cases.fields.nextDeadline")}</th>
                <th scope="col">{t("cases.fields.contact")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  {!readOnly ? (
                    <td>
                      {/* The label is the box around the checkbox: 44 × 44 px to tap (issue 15). */}
                      <label htmlFor={`select-${r.id}`} className="tap-box">
                        <input type="checkbox" name="case" value={r.id} id={`select-${r.id}`} />
                        <span className="visually-hidden">
                          {t("caseLists.bulk.selectCase", { reference: r.reference })}
                        </span>
                      </label>
                    </td>
                  ) : null}
                  <td>{readOnly ? r.reference : <Link to={`/staff/cases/${r.id}`}>{r.reference}</Link>}</td>
                  <td className="nowrap">{f.dayOf(r.receivedAt)}</td>
                  <td>{r.service ?? t("cases.fields.noService")}</td>
                  <td>
                    <span className={`badge ${r.status}`}>{t(`cases.status.${r.status}`)}</span>
                  </td>
                  <td>{r.assignedName ?? t("cases.fields.unassigned")}</td>
                  <td>
                    {r.next ? (
                      <>
                        {t(`cases.deadline.${r.next.step}`)}: {formatDue(r.next.due)}
                        <br />
                        <span className={r.next.left < 0 ? "error-message" : "hint"}>
                          {r.next.left < 0
                            ? t("cases.deadline.overdueBy", { count: -r.next.left })
                            : r.next.left === 0
                              ? t("cases.deadline.dueToday")
                              : t("cases.deadline.left", { count: r.next.left })}
                        </span>
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td>{[r.contact.email, r.contact.phone].filter(Boolean).join(" · ") || "—"}</td>
                </tr>
              ))}
            </tbody>
          </TableRegion>
          {!readOnly ? (
            <fieldset className="bulk-actions">
              <legend>{t("caseLists.bulk.title")}</legend>
              <div className="grid-2">
                <div className="field">
                  <label htmlFor="bulk-officer">{t("caseLists.bulk.officer")}</label>
                  <select id="bulk-officer" name="officer" defaultValue="">
                    <option value="">{t("caseLists.bulk.chooseOfficer")}</option>
                    <option value="none">{t("cases.fields.unassigned")}</option>
                    {data.officers.map((o) => (
                      <option key={o.id} value={o.id}>
                        {o.name}
                      </option>
                    ))}
                  </select>
                  <button type="submit" name="intent" value="bulk-assign" className="button">
                    {t("caseLists.bulk.assign")}
                  </button>
                </div>
                <div className="field">
                  <label htmlFor="bulk-move">{t("caseLists.bulk.move")}</label>
                  <select id="bulk-move" name="move" defaultValue="">
                    <option value="">{t("caseLists.bulk.chooseMove")}</option>
                    {BULK_MOVES.map((m) => (
                      <option key={m} value={m}>
                        {t(`cases.moves.${m}`)}
                      </option>
                    ))}
                  </select>
                  <button type="submit" name="intent" value="bulk-move" className="button">
                    {t("caseLists.bulk.moveSubmit")}
                  </button>
                </div>
              </div>
            </fieldset>
          ) : null}
        </Form>
      ) : null}
      {data.next || data.first ? (
        <nav aria-label={t("caseLists.paging")} className="actions">
          {data.first != null ? (
            <Link to={`/staff/cases?${data.first}`}>{t("caseLists.firstPage")}</Link>
          ) : null}{" "}
          {data.next ? (
            <Link to={`/staff/cases?${data.next}`} rel="next">
              {t("caseLists.nextPage")}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
