import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput } from "~/components/forms";
import { caseContact } from "~/models/cases/handling.server";
import { CASE_HANDLER_ROLES } from "~/models/cases/lifecycle";
import { listCaseQueue, QUEUE_TABS, type QueueTab } from "~/models/cases/queue.server";
import { acceptReferral, listIncomingReferrals, returnReferral } from "~/models/cases/referral.server";
import { requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { maskEmail, maskPhone } from "~/utils/crypto.server";
import { assertCsrf } from "~/utils/csrf.server";
import { formats } from "~/utils/formats";
import { type FieldErrors, parseForm } from "~/utils/forms";
import { badRequest } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "cases.queue.title");

/** Masked contact details for a list: decrypted on the server, never sent in full. */
function maskedContact(
  piiKey: string,
  row: { contact_email_enc: string | null; contact_phone_enc: string | null },
) {
  try {
    const c = caseContact(piiKey, { contact_name_enc: null, ...row });
    return { email: maskEmail(c.email), phone: maskPhone(c.phone) };
  } catch {
    return { email: null, phone: null }; // an unreadable value must not take the whole queue down
  }
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, CASE_HANDLER_ROLES);
  const now = new Date();
  // A GET writes nothing: the worker tells managers about newly overdue cases (flagOverdueCases).
  const locale = await getLocale(request);
  const zh = locale.startsWith("zh");
  const url = new URL(request.url);
  const tab: QueueTab = QUEUE_TABS.find((t) => t === url.searchParams.get("tab")) ?? "unassigned";
  const departmentId = user.departmentId!;
  const [queue, referrals] = await Promise.all([
    listCaseQueue(context.db, departmentId, { tab, userId: user.id, now }),
    listIncomingReferrals(context.db, departmentId),
  ]);
  return {
    locale,
    tab,
    tabs: QUEUE_TABS,
    saved: url.searchParams.get("saved"),
    truncated: queue.truncated,
    rows: queue.rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      receivedAt: r.received_at,
      status: r.status,
      service: (zh ? r.service_zh : r.service_en) ?? null,
      assignedName: r.assigned_name,
      contact: maskedContact(context.env.PII_KEY, r),
      next: r.next,
    })),
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
}

const ReferralDecisionSchema = z.object({
  intent: z.enum(["accept-referral", "return-referral"], { error: "validation.invalid" }),
  referralId: z.coerce.number({ error: "validation.invalid" }).int().positive(),
  returnNote: z.string().trim().max(2000, { error: "validation.tooLong" }).optional(),
});

type ActionResult = { referralId: number | null; errors: FieldErrors };

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, CASE_HANDLER_ROLES);
  const parsed = parseForm(ReferralDecisionSchema, form);
  if (!parsed.ok) {
    if (parsed.errors.intent || parsed.errors.referralId) throw badRequest();
    return json<ActionResult>(
      { referralId: Number(form.get("referralId")) || null, errors: parsed.errors },
      400,
    );
  }
  const { intent, referralId } = parsed.data;
  const actor = { id: user.id, departmentId: user.departmentId! };
  const r =
    intent === "accept-referral"
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
  return intent === "accept-referral"
    ? redirect(`/staff/cases/${r.caseId}?saved=refer-accept`)
    : redirect("/staff/cases?saved=refer-return");
}

export default function CaseQueue() {
  const { t } = useTranslation();
  const { locale, tab, tabs, rows, referrals, truncated, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const f = formats(locale);
  const formatDue = f.date;
  return (
    <div className="container">
      <h1>{t("cases.queue.title")}</h1>
      {saved === "refer-return" ? (
        <p className="notice success" role="status">
          {t("cases.saved.refer-return")}
        </p>
      ) : null}
      {actionData?.errors?.form ? (
        <p className="notice" role="alert">
          {t(actionData.errors.form)}
        </p>
      ) : null}

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

      <h2>{t(`cases.queue.tabs.${tab}`)}</h2>
      {rows.length === 0 ? <p>{t("cases.queue.none")}</p> : null}
      {truncated ? <p className="hint">{t("cases.queue.truncated", { count: rows.length })}</p> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t(`cases.queue.tabs.${tab}`)}</caption>
            <thead>
              <tr>
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
                  <td>
                    <Link to={`/staff/cases/${r.id}`}>{r.reference}</Link>
                  </td>
                  <td>{f.dayOf(r.receivedAt)}</td>
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
          </table>
        </div>
      ) : null}
    </div>
  );
}
