import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput, TextArea } from "~/components/forms";
import { recordAudit } from "~/models/audit/audit.server";
import { parseDeadlineMove } from "~/models/calendar/closure-days.server";
import { hkDate } from "~/models/calendar/time";
import { daysLeft } from "~/models/calendar/working-days";
import { appealDeadline, appealDecideBlock, decideAppeal, lodgeAppeal } from "~/models/cases/appeal.server";
import {
  addNote,
  allowedActions,
  assignCase,
  type CaseAction,
  caseContact,
  closureDays,
  getCase,
  moveCase,
} from "~/models/cases/case.server";
import { pendingReferralOf, REFERABLE_STATUSES, referCase } from "~/models/cases/referral.server";
import {
  CASE_HANDLER_ROLES,
  caseHistory,
  caseLabels,
  listAppeals,
  listAttachments,
  listCaseHandlers,
} from "~/models/cases/view.server";
import { listDepartments, localName } from "~/models/departments/departments.server";
import { denyAccess, requireUser, type SessionUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { maskEmail, maskPhone } from "~/utils/crypto.server";
import { assertCsrf } from "~/utils/csrf.server";
import { formats } from "~/utils/formats";
import { type FieldErrors, parseForm } from "~/utils/forms";
import { badRequest, notFound } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, "cases.case.title", { reference: data?.case.reference ?? "" });

/** The case in the URL if it is the reader's department's; anything else is a 404, audited. */
async function requireCase(context: AppLoadContext, user: SessionUser, idParam: string | undefined) {
  const id = Number(idParam);
  if (!Number.isInteger(id) || id <= 0) throw notFound();
  const c = await getCase(context.db, id, user.departmentId);
  if (!c) throw await denyAccess(context, user, "department", { type: "case", id });
  return c;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, CASE_HANDLER_ROLES);
  const c = await requireCase(context, user, params.id);
  const locale = await getLocale(request);
  const zh = locale.startsWith("zh");
  const url = new URL(request.url);
  const now = new Date();
  const [labels, attachments, history, officers, departments, referral, appeals, closures, appealLast] =
    await Promise.all([
      caseLabels(context.db, c),
      listAttachments(context.db, c.id),
      caseHistory(context.db, c.id),
      listCaseHandlers(context.db, c.department_id),
      listDepartments(context.db),
      pendingReferralOf(context.db, c.id),
      listAppeals(context.db, c.id),
      closureDays(context.db, c.department_id),
      appealDeadline(context.db, c),
    ]);

  // Contact details are decrypted here only to be masked; in full only from the "show" form (a
  // POST, see the action), never from a GET a prefetch or a crawler could follow.
  const contact = caseContact(context.env.PII_KEY, c);
  const hasContact = !!(contact.name || contact.email || contact.phone);

  const running = !["closed", "referred", "awaiting_customer"].includes(c.status);
  const left = (due: string | null, done: string | null) =>
    running && due && !done ? daysLeft(due, now, closures) : null;
  const open = appeals.find((a) => a.decided_at == null) ?? null;
  // The same test decideAppeal makes, to show a plain notice instead of a form that would be refused.
  const decideBlock = open ? await appealDecideBlock(context.db, user, open, c) : null;
  const canLodge =
    !open && (c.status === "replied" || c.status === "closed") && !!appealLast && hkDate(now) <= appealLast;

  return {
    locale,
    saved: url.searchParams.get("saved"),
    case: {
      id: c.id,
      reference: c.reference,
      status: c.status,
      statusBeforeStop: c.status_before_stop,
      channel: c.channel,
      language: c.language,
      receivedAt: c.received_at,
      whatHappened: c.what_happened,
      desiredOutcome: c.desired_outcome,
      consentAt: c.consent_at,
      closedAt: c.closed_at,
      assignedTo: c.assigned_to,
      department: localName(labels.department, locale),
      service: labels.service ? localName(labels.service, locale) : null,
      assignedName: labels.assignedName,
    },
    deadlines: {
      ack: {
        due: c.ack_due,
        doneAt: c.acknowledged_at,
        met: c.ack_met,
        left: left(c.ack_due, c.acknowledged_at),
      },
      reply: {
        due: c.reply_due,
        doneAt: c.replied_at,
        met: c.reply_met,
        left: left(c.reply_due, c.replied_at),
      },
    },
    contact: {
      has: hasContact,
      shown: false,
      name: null as string | null,
      email: maskEmail(contact.email),
      phone: maskPhone(contact.phone),
    },
    attachments: attachments.map((a) => ({ id: a.id, name: a.original_name, mime: a.mime, size: a.size })),
    history: history.map((e) => ({
      id: e.id,
      at: e.at,
      kind: e.kind,
      from: e.from_status,
      to: e.to_status,
      // A 'deadline' event's body is data (which due dates moved), shown in words below.
      body: e.kind === "deadline" ? null : e.body,
      deadline: e.kind === "deadline" ? parseDeadlineMove(e.body) : null,
      internal: e.visible_to_citizen === 0,
      actor: e.actor_name,
      assignee: e.assignee_name,
      department: e.referral_department ? localName(e.referral_department, locale) : null,
    })),
    officers: officers.map((o) => ({ id: o.id, name: o.display_name, role: o.role })),
    departments: departments
      .filter((d) => d.id !== c.department_id)
      .map((d) => ({ id: d.id, name: `${localName(d, locale)} (${d.code})` })),
    moves: allowedActions(c.status),
    canRefer: REFERABLE_STATUSES.includes(c.status) && !referral,
    referral: referral
      ? {
          to: zh ? referral.to_name_zh : referral.to_name_en,
          reason: referral.reason,
          at: referral.created_at,
        }
      : null,
    appeals: appeals.map((a) => ({
      id: a.id,
      lodgedAt: a.lodged_at,
      lodgedBy: a.lodged_by,
      grounds: a.grounds,
      due: a.due,
      outcome: a.outcome,
      reply: a.reply,
      decidedAt: a.decided_at,
      met: a.met,
      handler: a.handler_name,
      reviewer: a.reviewer_name,
    })),
    openAppealId: open?.id ?? null,
    decideBlock,
    canLodge,
    appealLast,
  };
}

// ---- Forms: one schema each; messages are translation keys ----

const MOVES = [
  "acknowledge",
  "investigate",
  "stop-clock",
  "resume",
  "reply",
  "close",
  "reopen",
] as const satisfies readonly CaseAction[];
const OUTCOMES = ["upheld", "partly_upheld", "not_upheld"] as const;

const requiredText = (max: number) =>
  z
    .string({ error: "validation.required" })
    .trim()
    .min(1, { error: "validation.required" })
    .max(max, { error: "validation.tooLong" });
const optionalText = (max: number) => z.string().trim().max(max, { error: "validation.tooLong" }).optional();

const AssignSchema = z.object({
  officerId: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce
      .number({ error: "validation.invalid" })
      .int()
      .positive({ error: "validation.invalid" })
      .optional(),
  ),
});
const MoveSchema = z.object({
  move: z.enum(MOVES, { error: "validation.invalid" }),
  reason: optionalText(2000),
  reply: optionalText(10_000),
});
const NoteSchema = z.object({ note: requiredText(5000) });
const ReferSchema = z.object({
  toDepartmentId: z.coerce
    .number({ error: "validation.department" })
    .int()
    .positive({ error: "validation.department" }),
  referReason: requiredText(2000),
});
const LodgeAppealSchema = z.object({ grounds: requiredText(5000) });
const DecideAppealSchema = z.object({
  appealId: z.coerce.number({ error: "validation.invalid" }).int().positive({ error: "validation.invalid" }),
  outcome: z.enum(OUTCOMES, { error: "cases.errors.outcome" }),
  appealReply: requiredText(10_000),
});

type ActionResult = {
  intent: string;
  errors: FieldErrors;
  /** the contact details in full: only in the answer to the "show-contact" form */
  contact?: { name: string | null; email: string | null; phone: string | null; shown: true };
};

export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, CASE_HANDLER_ROLES);
  const c = await requireCase(context, user, params.id);
  const db = context.db;
  const intent = String(form.get("intent") ?? "");
  const fail = (errors: FieldErrors, status = 400) => json<ActionResult>({ intent, errors }, { status });
  const done = (what: string) => redirect(`/staff/cases/${c.id}?saved=${what}`);

  switch (intent) {
    case "show-contact": {
      // Each full viewing is recorded: who looked at whose details, never the details themselves.
      const contact = caseContact(context.env.PII_KEY, c);
      await recordAudit(db, {
        action: "case.contact-view",
        actorUserId: user.id,
        departmentId: c.department_id,
        entityType: "case",
        entityId: c.id,
      });
      return json<ActionResult>(
        { intent, errors: {}, contact: { ...contact, shown: true } },
        { headers: { "Cache-Control": "private, no-store" } },
      );
    }
    case "assign": {
      const parsed = parseForm(AssignSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      const ok = await assignCase(db, user, c, parsed.data.officerId ?? null);
      return ok ? done("assign") : fail({ officerId: "validation.invalid" });
    }
    case "move": {
      const parsed = parseForm(MoveSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      // The reply is stored and shown to the citizen on the tracking page; e-mailing it comes with
      // the notifications issue.
      const r = await moveCase(db, user, c.id, parsed.data.move, {
        reason: parsed.data.reason,
        body: parsed.data.reply,
      });
      if (r.ok) return done(parsed.data.move);
      if (r.error === "notAllowed") return fail({ form: "cases.errors.notAllowed" }, 409);
      return fail(
        r.error === "reasonRequired"
          ? { reason: "cases.errors.reasonRequired" }
          : { reply: "cases.errors.replyRequired" },
      );
    }
    case "note": {
      const parsed = parseForm(NoteSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      await addNote(db, user, c, parsed.data.note);
      return done("note");
    }
    case "refer": {
      const parsed = parseForm(ReferSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      const r = await referCase(db, user, c.id, {
        toDepartmentId: parsed.data.toDepartmentId,
        reason: parsed.data.referReason,
      });
      if (r.ok) return done("refer");
      if (r.error === "notAllowed") return fail({ form: "cases.errors.referNotAllowed" }, 409);
      if (r.error === "reasonRequired") return fail({ referReason: "validation.required" });
      return fail({ toDepartmentId: "validation.department" });
    }
    case "lodge-appeal": {
      const parsed = parseForm(LodgeAppealSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      const r = await lodgeAppeal(db, c, { by: "staff", userId: user.id, grounds: parsed.data.grounds });
      if (r.ok) return done("appeal-lodge");
      if (r.error === "groundsRequired") return fail({ grounds: "validation.required" });
      return fail({ form: `cases.appeals.errors.${r.error}` }, 409);
    }
    case "decide-appeal": {
      const parsed = parseForm(DecideAppealSchema, form);
      if (!parsed.ok) return fail(parsed.errors);
      // Only the open appeal of THIS case: an appeal id from another case is not decided from here.
      const appeals = await listAppeals(db, c.id);
      if (!appeals.some((a) => a.id === parsed.data.appealId && a.decided_at == null)) {
        return fail({ form: "cases.appeals.errors.notOpen" }, 409);
      }
      const r = await decideAppeal(db, user, parsed.data.appealId, {
        outcome: parsed.data.outcome,
        reply: parsed.data.appealReply,
      });
      if (r.ok) return done("appeal-decide");
      if (r.error === "replyRequired") return fail({ appealReply: "validation.required" });
      if (r.error === "notOpen") return fail({ form: "cases.appeals.errors.notOpen" }, 409);
      return fail({ form: `cases.appeals.errors.${r.error}` }, 403);
    }
    default:
      throw badRequest();
  }
}

// ---- The page ----

/** Keeps the line breaks people typed. */
const PRE = { whiteSpace: "pre-wrap" } as const;

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

function FieldError({ id, error }: { id: string; error?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="error-message" id={`${id}-error`}>
      <span className="visually-hidden">{t("forms.errorPrefix")}</span> {t(error)}
    </p>
  );
}

function DeadlineRow({
  label,
  step,
  status,
  closed,
}: {
  label: string;
  step: Data["deadlines"]["ack"];
  status: string;
  closed: boolean;
}) {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  let state: ReactNode = null;
  if (step.doneAt) {
    state = t("cases.deadline.doneOn", { date: f.at(step.doneAt) });
    if (closed && step.met != null) {
      state = (
        <>
          {state} · <strong>{step.met ? t("cases.deadline.met") : t("cases.deadline.notMet")}</strong>
        </>
      );
    }
  } else if (closed) {
    state = <strong>{t("cases.deadline.notMet")}</strong>;
  } else if (status === "awaiting_customer") {
    state = t("cases.deadline.clockStopped");
  } else if (step.left != null) {
    state =
      step.left < 0 ? (
        <strong className="error-message">{t("cases.deadline.overdueBy", { count: -step.left })}</strong>
      ) : step.left === 0 ? (
        t("cases.deadline.dueToday")
      ) : (
        t("cases.deadline.left", { count: step.left })
      );
  }
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{step.due ? f.date(step.due) : "—"}</td>
      <td>{state ?? "—"}</td>
    </tr>
  );
}

function historyText(
  t: (key: string, vars?: Record<string, unknown>) => string,
  e: Data["history"][number],
): string {
  const status = (s: string | null) => (s ? t(`cases.status.${s}`, { defaultValue: s }) : "");
  switch (e.kind) {
    case "transition":
      return e.from == null
        ? t("cases.history.received")
        : t("cases.history.transition", { from: status(e.from), to: status(e.to) });
    case "reply":
      return t("cases.history.reply");
    case "note":
      return t("cases.history.note");
    case "assign":
      return e.assignee ? t("cases.history.assign", { name: e.assignee }) : t("cases.history.unassign");
    case "refer":
      return t("cases.history.refer", { department: e.department ?? "—" });
    case "refer-accept":
      return t("cases.history.referAccept", { department: e.department ?? "—" });
    case "refer-return":
      return t("cases.history.referReturn", { department: e.department ?? "—" });
    case "appeal":
      return t("cases.history.appeal");
    case "appeal-decision":
      return t("cases.history.appealDecision", {
        outcome: t(`cases.appeals.outcomes.${e.to}`, { defaultValue: e.to ?? "" }),
      });
    case "deadline":
      return e.deadline
        ? t(e.deadline.closed ? "cases.history.deadlineClosed" : "cases.history.deadlineOpened", {
            date: e.deadline.date,
          })
        : e.kind;
    default:
      return e.kind;
  }
}

export default function CasePage() {
  const { t, i18n } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const c = data.case;
  const errorsFor = (intent: string): FieldErrors =>
    actionData && actionData.intent === intent ? actionData.errors : {};
  const formError = actionData?.errors?.form;
  const f = formats(i18n.language);
  const closed = c.status === "closed";
  const moveErrors = errorsFor("move");
  const openAppeal = data.appeals.find((a) => a.id === data.openAppealId) ?? null;
  // In full only in the answer to the "show" form; the page itself carries them masked.
  const contact = actionData?.contact ? { ...data.contact, ...actionData.contact } : data.contact;
  return (
    <div className="container">
      <p>
        <Link to="/staff/cases">{t("cases.queue.title")}</Link>
      </p>
      <h1>{t("cases.case.title", { reference: c.reference })}</h1>
      <p>
        <span className={`badge ${c.status}`}>{t(`cases.status.${c.status}`)}</span>{" "}
        {c.assignedName ? t("cases.case.assignedTo", { name: c.assignedName }) : t("cases.fields.unassigned")}
      </p>
      {data.saved && !actionData ? (
        <p className="notice success" role="status">
          {t(`cases.saved.${data.saved}`, { defaultValue: t("admin.saved") })}
        </p>
      ) : null}
      {formError ? (
        <p className="notice" role="alert">
          {t(formError)}
        </p>
      ) : null}
      {data.referral ? (
        <p className="notice">
          {t("cases.referrals.pending", {
            department: data.referral.to,
            date: f.at(data.referral.at),
          })}
        </p>
      ) : null}

      <section aria-labelledby="deadlines-title">
        <h2 id="deadlines-title">{t("cases.deadline.title")}</h2>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t("cases.deadline.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("cases.deadline.step")}</th>
                <th scope="col">{t("cases.deadline.due")}</th>
                <th scope="col">{t("cases.deadline.state")}</th>
              </tr>
            </thead>
            <tbody>
              <DeadlineRow
                label={t("cases.deadline.ack")}
                step={data.deadlines.ack}
                status={c.status}
                closed={closed}
              />
              <DeadlineRow
                label={t("cases.deadline.reply")}
                step={data.deadlines.reply}
                status={c.status}
                closed={closed}
              />
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="details-title">
        <h2 id="details-title">{t("cases.case.details")}</h2>
        <dl>
          <dt>{t("cases.fields.reference")}</dt>
          <dd>{c.reference}</dd>
          <dt>{t("cases.fields.department")}</dt>
          <dd>{c.department}</dd>
          <dt>{t("cases.fields.service")}</dt>
          <dd>{c.service ?? t("cases.fields.noService")}</dd>
          <dt>{t("cases.fields.received")}</dt>
          <dd>{f.at(c.receivedAt)}</dd>
          <dt>{t("cases.fields.channel")}</dt>
          <dd>{t(`cases.channels.${c.channel}`, { defaultValue: c.channel })}</dd>
          <dt>{t("cases.fields.language")}</dt>
          <dd>{t(`cases.languages.${c.language}`)}</dd>
          <dt>{t("cases.fields.whatHappened")}</dt>
          <dd style={PRE}>{c.whatHappened}</dd>
          <dt>{t("cases.fields.desiredOutcome")}</dt>
          <dd style={PRE}>{c.desiredOutcome || "—"}</dd>
        </dl>
      </section>

      <section aria-labelledby="contact-title" id="contact">
        <h2 id="contact-title">{t("cases.contact.title")}</h2>
        {!contact.has ? (
          <p>{t("cases.contact.none")}</p>
        ) : (
          <>
            <dl>
              {contact.shown ? (
                <>
                  <dt>{t("cases.contact.name")}</dt>
                  <dd>{contact.name ?? "—"}</dd>
                </>
              ) : null}
              <dt>{t("cases.contact.email")}</dt>
              <dd>{contact.email ?? "—"}</dd>
              <dt>{t("cases.contact.phone")}</dt>
              <dd>{contact.phone ?? "—"}</dd>
            </dl>
            {contact.shown ? (
              <p className="hint">{t("cases.contact.audited")}</p>
            ) : (
              // A POST, not a link: a prefetch or a crawler never reveals (or records) a viewing.
              <Form method="post" preventScrollReset>
                <CsrfInput />
                <input type="hidden" name="intent" value="show-contact" />
                <button type="submit" className="button secondary">
                  {t("cases.contact.show")}
                </button>{" "}
                <span className="hint">{t("cases.contact.showHint")}</span>
              </Form>
            )}
          </>
        )}
        <p className="hint">{c.consentAt ? t("cases.contact.consent") : t("cases.contact.noConsent")}</p>
      </section>

      <section aria-labelledby="attachments-title">
        <h2 id="attachments-title">{t("cases.attachments.title")}</h2>
        {data.attachments.length === 0 ? (
          <p>{t("cases.attachments.none")}</p>
        ) : (
          <ul>
            {data.attachments.map((a) => (
              <li key={a.id}>
                <a href={`/staff/cases/${c.id}/attachments/${a.id}`} download>
                  {a.name}
                </a>{" "}
                <span className="hint">
                  ({a.mime}, {t("cases.attachments.size", { kb: Math.max(1, Math.round(a.size / 1024)) })})
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="handle-title">
        <h2 id="handle-title">{t("cases.case.handle")}</h2>

        <h3>{t("cases.assign.title")}</h3>
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="assign" />
          <div className={`field${errorsFor("assign").officerId ? " field-error" : ""}`}>
            <label htmlFor="field-officerId">{t("cases.assign.officer")}</label>
            <FieldError id="field-officerId" error={errorsFor("assign").officerId} />
            <select
              id="field-officerId"
              name="officerId"
              defaultValue={c.assignedTo ? String(c.assignedTo) : ""}
            >
              <option value="">{t("cases.fields.unassigned")}</option>
              {data.officers.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name} ({t(`roles.${o.role}`)})
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button secondary">
            {t("cases.assign.submit")}
          </button>
        </Form>

        {data.moves.length > 0 ? <h3>{t("cases.moves.title")}</h3> : null}
        {data.moves
          .filter((m) => !["stop-clock", "reply"].includes(m))
          .map((m) => (
            <Form method="post" className="inline-form" key={m}>
              <CsrfInput />
              <input type="hidden" name="intent" value="move" />
              <button
                type="submit"
                name="move"
                value={m}
                className={m === "close" ? "button" : "button secondary"}
              >
                {t(`cases.moves.${m}`)}
              </button>
            </Form>
          ))}
        {data.moves.includes("reply") ? (
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="move" />
            <input type="hidden" name="move" value="reply" />
            <TextArea
              required
              name="reply"
              label={t("cases.moves.replyText")}
              hint={t("cases.moves.replyHint")}
              error={moveErrors.reply}
              rows={6}
              maxLength={10_000}
            />
            <button type="submit" className="button">
              {t("cases.moves.reply")}
            </button>
          </Form>
        ) : null}
        {data.moves.includes("stop-clock") ? (
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="move" />
            <input type="hidden" name="move" value="stop-clock" />
            <TextArea
              required
              name="reason"
              label={t("cases.moves.stopReason")}
              hint={t("cases.moves.stopHint")}
              error={moveErrors.reason}
              rows={2}
              maxLength={2000}
            />
            <button type="submit" className="button secondary">
              {t("cases.moves.stop-clock")}
            </button>
          </Form>
        ) : null}

        {data.canRefer ? (
          <>
            <h3>{t("cases.referrals.title")}</h3>
            <p>{t("cases.referrals.intro")}</p>
            <Form method="post">
              <CsrfInput />
              <input type="hidden" name="intent" value="refer" />
              <div className={`field${errorsFor("refer").toDepartmentId ? " field-error" : ""}`}>
                <label htmlFor="field-toDepartmentId">{t("cases.referrals.toDepartment")}</label>
                <FieldError id="field-toDepartmentId" error={errorsFor("refer").toDepartmentId} />
                <select id="field-toDepartmentId" name="toDepartmentId" defaultValue="">
                  <option value="" disabled>
                    {t("cases.referrals.choose")}
                  </option>
                  {data.departments.map((d) => (
                    <option key={d.id} value={d.id}>
                      {d.name}
                    </option>
                  ))}
                </select>
              </div>
              <TextArea
                required
                name="referReason"
                label={t("cases.referrals.reason")}
                hint={t("cases.referrals.reasonHint")}
                error={errorsFor("refer").referReason}
                rows={2}
                maxLength={2000}
              />
              <button type="submit" className="button secondary">
                {t("cases.referrals.submit")}
              </button>
            </Form>
          </>
        ) : null}
      </section>

      <section aria-labelledby="appeals-title">
        <h2 id="appeals-title">{t("cases.appeals.title")}</h2>
        {data.appeals.length === 0 ? <p>{t("cases.appeals.none")}</p> : null}
        {data.appeals.map((a) => (
          <div key={a.id} className="card">
            <p>
              <strong>{t("cases.appeals.lodgedOn", { date: f.at(a.lodgedAt) })}</strong>{" "}
              <span className="badge">{t(`cases.appeals.by.${a.lodgedBy}`)}</span>
            </p>
            <p style={PRE}>{a.grounds}</p>
            <p className="hint">
              {a.due ? t("cases.appeals.due", { date: f.date(a.due) }) : null}{" "}
              {a.handler ? t("cases.appeals.handler", { name: a.handler }) : null}
            </p>
            {a.decidedAt ? (
              <>
                <p>
                  <strong>{t(`cases.appeals.outcomes.${a.outcome}`)}</strong> ·{" "}
                  {t("cases.appeals.decidedBy", {
                    name: a.reviewer ?? "—",
                    date: f.at(a.decidedAt),
                  })}
                  {a.met != null
                    ? ` · ${a.met ? t("cases.deadline.met") : t("cases.deadline.notMet")}`
                    : null}
                </p>
                <p style={PRE}>{a.reply}</p>
              </>
            ) : null}
          </div>
        ))}
        {openAppeal ? (
          data.decideBlock ? (
            <p className="notice">{t(`cases.appeals.errors.${data.decideBlock}`)}</p>
          ) : (
            <>
              <h3>{t("cases.appeals.decideTitle")}</h3>
              <Form method="post">
                <CsrfInput />
                <input type="hidden" name="intent" value="decide-appeal" />
                <input type="hidden" name="appealId" value={openAppeal.id} />
                <fieldset className={`field${errorsFor("decide-appeal").outcome ? " field-error" : ""}`}>
                  <legend>{t("cases.appeals.outcome")}</legend>
                  <FieldError id="field-outcome" error={errorsFor("decide-appeal").outcome} />
                  <div className="choices">
                    {(["upheld", "partly_upheld", "not_upheld"] as const).map((o, i) => (
                      <div className="choice" key={o}>
                        <input
                          id={i === 0 ? "field-outcome" : `field-outcome-${o}`}
                          type="radio"
                          name="outcome"
                          value={o}
                        />
                        <label htmlFor={i === 0 ? "field-outcome" : `field-outcome-${o}`}>
                          {t(`cases.appeals.outcomes.${o}`)}
                        </label>
                      </div>
                    ))}
                  </div>
                </fieldset>
                <TextArea
                  required
                  name="appealReply"
                  label={t("cases.appeals.reply")}
                  hint={t("cases.moves.replyHint")}
                  error={errorsFor("decide-appeal").appealReply}
                  rows={6}
                  maxLength={10_000}
                />
                <button type="submit" className="button">
                  {t("cases.appeals.decide")}
                </button>
              </Form>
            </>
          )
        ) : null}
        {data.canLodge ? (
          <>
            <h3>{t("cases.appeals.lodgeTitle")}</h3>
            <p>
              {t("cases.appeals.lodgeIntro", {
                date: data.appealLast ? f.date(data.appealLast) : "—",
              })}
            </p>
            <Form method="post">
              <CsrfInput />
              <input type="hidden" name="intent" value="lodge-appeal" />
              <TextArea
                required
                name="grounds"
                label={t("cases.appeals.grounds")}
                error={errorsFor("lodge-appeal").grounds}
                rows={4}
                maxLength={5000}
              />
              <button type="submit" className="button secondary">
                {t("cases.appeals.lodge")}
              </button>
            </Form>
          </>
        ) : null}
      </section>

      <section aria-labelledby="note-title">
        <h2 id="note-title">{t("cases.notes.title")}</h2>
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="note" />
          <TextArea
            required
            name="note"
            label={t("cases.notes.label")}
            hint={t("cases.notes.hint")}
            error={errorsFor("note").note}
            rows={3}
            maxLength={5000}
          />
          <button type="submit" className="button secondary">
            {t("cases.notes.submit")}
          </button>
        </Form>
      </section>

      <section aria-labelledby="history-title">
        <h2 id="history-title">{t("cases.history.title")}</h2>
        <ol className="plain-list">
          {data.history.map((e) => (
            <li key={e.id}>
              <p>
                <strong>{historyText(t, e)}</strong>{" "}
                {e.internal ? <span className="badge">{t("cases.history.internal")}</span> : null}
                <br />
                <span className="hint">
                  {f.at(e.at)}
                  {e.actor ? ` · ${e.actor}` : ""}
                </span>
              </p>
              {e.body ? <p style={PRE}>{e.body}</p> : null}
              {e.deadline?.ack || e.deadline?.reply ? (
                <ul>
                  {e.deadline.ack ? (
                    <li>
                      {t("cases.history.deadlineAck", { from: e.deadline.ack[0], to: e.deadline.ack[1] })}
                    </li>
                  ) : null}
                  {e.deadline.reply ? (
                    <li>
                      {t("cases.history.deadlineReply", {
                        from: e.deadline.reply[0],
                        to: e.deadline.reply[1],
                      })}
                    </li>
                  ) : null}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
