import { zodResolver } from "@hookform/resolvers/zod";
import type { ActionFunctionArgs, HeadersFunction, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSubmit } from "@remix-run/react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { ErrorSummary, mergeErrors, TextField } from "~/components/forms";
import { type LodgeError, lodgeAppeal } from "~/models/cases/appeal.server";
import { getCase } from "~/models/cases/handling.server";
import { CitizenAppealSchema, COMPLAINT_LIMITS, E, TrackSchema } from "~/models/cases/schema";
import {
  allowTrackingAttempt,
  findTrackedCase,
  type TrackedCaseView,
  trackedCaseView,
} from "~/models/cases/tracking.server";
import { isHoneypotFilled } from "~/models/rate-limits/public-form.server";
import { readForm } from "~/utils/body.server";
import { formats } from "~/utils/formats";
import { type FieldErrors, parseForm } from "~/utils/forms";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "complaints.track.title");

// A case's details never sit in a shared cache.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

const NO_STORE = { "Cache-Control": "no-store" };

type TrackAnswer =
  | { result: "notFound" }
  | { result: "rateLimited" }
  | { result: "invalid"; errors: FieldErrors }
  | {
      result: "found";
      view: TrackedCaseView;
      /** sent back in hidden fields: every post proves the lookup again */
      lookup: { reference: string; contact: string };
      lodged: boolean;
      appealError: string | null;
      errors: FieldErrors;
      grounds: string;
    };

/**
 * The one answer for a badly formed reference, a wrong check character, an unknown case and a
 * contact that does not match: same status, same body, no hint which part was wrong.
 */
function notFoundAnswer() {
  return json<TrackAnswer>({ result: "notFound" }, { status: 404, headers: NO_STORE });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  if (isHoneypotFilled(form)) return notFoundAnswer();
  // Every post counts, appeals too: ten look-ups per ten minutes per address (cases/tracking.server.ts).
  if (!(await allowTrackingAttempt(context))) {
    return json<TrackAnswer>(
      { result: "rateLimited" },
      { status: 429, headers: { ...NO_STORE, "Retry-After": "600" } },
    );
  }
  const appealing = form.get("intent") === "appeal";
  const lookup = parseForm(TrackSchema, form);
  if (!lookup.ok) {
    // The appeal form's hidden fields are never empty unless someone edited them.
    if (appealing) return notFoundAnswer();
    return json<TrackAnswer>(
      { result: "invalid", errors: lookup.errors },
      { status: 400, headers: NO_STORE },
    );
  }
  const { reference, contact } = lookup.data;
  const found = await findTrackedCase(context.db, context.env.PII_KEY, reference, contact);
  if (!found) return notFoundAnswer();
  const locale = await getLocale(request);
  const answer = async (
    status: number,
    extra: { lodged?: boolean; appealError?: string | null; errors?: FieldErrors; grounds?: string } = {},
  ) => {
    const fresh = await getCase(context.db, found.id, null);
    return json<TrackAnswer>(
      {
        result: "found",
        view: await trackedCaseView(context.db, fresh ?? found, locale),
        lookup: { reference: found.reference, contact },
        lodged: extra.lodged ?? false,
        appealError: extra.appealError ?? null,
        errors: extra.errors ?? {},
        grounds: extra.grounds ?? "",
      },
      { status, headers: NO_STORE },
    );
  };
  if (!appealing) return answer(200);

  const grounds = typeof form.get("grounds") === "string" ? String(form.get("grounds")) : "";
  const parsed = parseForm(CitizenAppealSchema, form);
  if (!parsed.ok) return answer(400, { errors: parsed.errors, grounds });
  const lodged = await lodgeAppeal(context.db, found, { by: "citizen", grounds: parsed.data.grounds });
  if (!lodged.ok) return answer(400, { appealError: appealErrorKey(lodged.error), grounds });
  return answer(200, { lodged: true });
}

function appealErrorKey(error: LodgeError): string {
  return `complaints.track.appeal.errors.${error}`;
}

export default function Track() {
  const { t } = useTranslation();
  const data = useActionData<typeof action>() as TrackAnswer | undefined;
  if (data?.result === "found") return <CaseView data={data} />;
  return (
    <div className="container narrow">
      <h1>{t("complaints.track.title")}</h1>
      <p className="lead">{t("complaints.track.intro")}</p>
      <LookupForm data={data} />
      <p className="hint">{t("complaints.track.noContact")}</p>
    </div>
  );
}

function Honeypot() {
  const { t } = useTranslation();
  return (
    <div className="hp" aria-hidden="true">
      <label htmlFor="field-website">{t("complaints.new.honeypot")}</label>
      <input id="field-website" type="text" name="website" tabIndex={-1} autoComplete="off" />
    </div>
  );
}

function LookupForm({ data }: { data: Exclude<TrackAnswer, { result: "found" }> | undefined }) {
  const { t } = useTranslation();
  const submit = useSubmit();
  const navigation = useNavigation();
  const {
    register,
    handleSubmit,
    formState: { errors: clientErrors },
  } = useForm({ resolver: zodResolver(TrackSchema), mode: "onTouched" });
  const errors = mergeErrors(data?.result === "invalid" ? data.errors : undefined, clientErrors);
  const formError =
    data?.result === "notFound"
      ? "complaints.track.notFound"
      : data?.result === "rateLimited"
        ? E.trackRateLimited
        : null;
  const labels = { reference: t("complaints.track.reference"), contact: t("complaints.track.contact") };
  return (
    <>
      <ErrorSummary errors={errors} labels={labels} formError={formError} />
      <Form
        method="post"
        noValidate
        onSubmit={(event) => {
          const formEl = event.currentTarget;
          handleSubmit(() => submit(formEl))(event);
        }}
      >
        <input type="hidden" name="intent" value="track" />
        <Honeypot />
        <TextField
          name="reference"
          label={labels.reference}
          hint={t("complaints.track.referenceHint")}
          autoComplete="off"
          required
          maxLength={COMPLAINT_LIMITS.reference}
          error={errors.reference}
          registration={register("reference")}
        />
        <TextField
          name="contact"
          label={labels.contact}
          required
          maxLength={COMPLAINT_LIMITS.contact}
          error={errors.contact}
          registration={register("contact")}
        />
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("complaints.track.submit")}
        </button>
      </Form>
    </>
  );
}

function useFormats() {
  const { i18n } = useTranslation();
  // Due dates are Hong Kong calendar dates (YYYY-MM-DD); instants are shown in Hong Kong time.
  const f = formats(i18n.language);
  return { date: f.longDate, dateOf: f.longDayOf, time: f.at };
}

function CaseView({ data }: { data: Extract<TrackAnswer, { result: "found" }> }) {
  const { t } = useTranslation();
  const f = useFormats();
  const { view } = data;
  const stopped = view.status === "awaiting_customer";
  const rows: [string, string][] = [
    [t("complaints.track.department"), view.departmentName],
    ...(view.serviceName ? [[t("complaints.track.service"), view.serviceName] as [string, string]] : []),
    [t("complaints.track.received"), f.dateOf(view.receivedAt)],
    [t("complaints.track.status"), t(`complaints.track.statuses.${view.status}`)],
  ];
  if (!stopped) {
    if (view.acknowledgedAt) rows.push([t("complaints.track.acknowledged"), f.dateOf(view.acknowledgedAt)]);
    else if (view.ackDue) rows.push([t("complaints.track.ackDue"), f.date(view.ackDue)]);
    if (view.repliedAt) rows.push([t("complaints.track.replied"), f.dateOf(view.repliedAt)]);
    else if (view.replyDue) rows.push([t("complaints.track.replyDue"), f.date(view.replyDue)]);
  }
  return (
    <div className="container narrow">
      <h1>{t("complaints.track.caseTitle", { reference: view.reference })}</h1>
      <h2>{t("complaints.track.summaryTitle")}</h2>
      <div className="table-wrap">
        <table>
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {stopped ? <p className="notice">{t("complaints.track.clockStopped")}</p> : null}

      <h2>{t("complaints.track.historyTitle")}</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("complaints.track.historyWhen")}</th>
              <th scope="col">{t("complaints.track.historyWhat")}</th>
            </tr>
          </thead>
          <tbody>
            {view.history.map((e) => (
              <tr key={e.id}>
                <td>{f.time(e.at)}</td>
                <td>
                  <HistoryEntry event={e} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <AppealSection data={data} />

      <p>
        <Link to="/track">{t("complaints.track.another")}</Link>
      </p>
    </div>
  );
}

function HistoryEntry({ event: e }: { event: TrackedCaseView["history"][number] }) {
  const { t } = useTranslation();
  const text = (s: string) => <p style={{ whiteSpace: "pre-wrap", margin: "0.25rem 0 0" }}>{s}</p>;
  switch (e.kind) {
    case "transition":
      if (e.toStatus === "received") return <>{t("complaints.track.event.received")}</>;
      return (
        <>
          {t("complaints.track.event.transition", { status: t(`complaints.track.statuses.${e.toStatus}`) })}
          {e.toStatus === "awaiting_customer" && e.body
            ? text(t("complaints.track.event.waitingFor", { text: e.body }))
            : null}
        </>
      );
    case "reply":
      return (
        <>
          {t("complaints.track.event.reply")}
          {e.body ? text(e.body) : null}
        </>
      );
    case "appeal":
      return <>{t("complaints.track.event.appeal")}</>;
    case "appeal-decision":
      return (
        <>
          {t("complaints.track.event.decision", { outcome: t(`complaints.track.outcomes.${e.toStatus}`) })}
          {e.body ? text(e.body) : null}
        </>
      );
  }
}

function AppealSection({ data }: { data: Extract<TrackAnswer, { result: "found" }> }) {
  const { t } = useTranslation();
  const f = useFormats();
  const submit = useSubmit();
  const navigation = useNavigation();
  const appeal = data.view.appeal;
  const {
    register,
    handleSubmit,
    formState: { errors: clientErrors },
  } = useForm({
    resolver: zodResolver(CitizenAppealSchema.pick({ grounds: true })),
    mode: "onTouched",
    defaultValues: { grounds: data.grounds },
  });
  const errors = mergeErrors(data.errors, clientErrors);
  if (appeal.state === "none" && !data.appealError) return null;
  return (
    <section aria-labelledby="appeal-title">
      <h2 id="appeal-title">{t("complaints.track.appeal.title")}</h2>
      {data.lodged ? (
        <p className="notice success" role="status">
          {t("complaints.track.appeal.lodged")}
        </p>
      ) : null}
      {appeal.state === "open" ? (
        <p>
          {appeal.due
            ? t("complaints.track.appeal.openDue", { date: f.date(appeal.due) })
            : t("complaints.track.appeal.open")}
        </p>
      ) : null}
      {appeal.state === "ended" ? (
        <p>{t("complaints.track.appeal.ended", { date: f.date(appeal.lastDay) })}</p>
      ) : null}
      <ErrorSummary
        errors={errors}
        labels={{ grounds: t("complaints.track.appeal.grounds") }}
        formError={data.appealError}
      />
      {appeal.state === "allowed" ? (
        <>
          <p>{t("complaints.track.appeal.intro", { date: f.date(appeal.lastDay) })}</p>
          <Form
            method="post"
            noValidate
            onSubmit={(event) => {
              const formEl = event.currentTarget;
              handleSubmit(() => submit(formEl))(event);
            }}
          >
            <input type="hidden" name="intent" value="appeal" />
            <input type="hidden" name="reference" value={data.lookup.reference} />
            <input type="hidden" name="contact" value={data.lookup.contact} />
            <Honeypot />
            <div className={`field${errors.grounds ? " field-error" : ""}`}>
              <label htmlFor="field-grounds">{t("complaints.track.appeal.grounds")}</label>
              <p className="hint" id="field-grounds-hint">
                {t("complaints.track.appeal.groundsHint", { count: COMPLAINT_LIMITS.grounds })}
              </p>
              {errors.grounds ? (
                <p className="error-message" id="field-grounds-error">
                  <span className="visually-hidden">{t("forms.errorPrefix")}</span> {t(errors.grounds)}
                </p>
              ) : null}
              <textarea
                id="field-grounds"
                rows={6}
                maxLength={COMPLAINT_LIMITS.grounds}
                defaultValue={data.grounds}
                aria-required
                aria-invalid={errors.grounds ? true : undefined}
                aria-describedby={["field-grounds-hint", errors.grounds ? "field-grounds-error" : null]
                  .filter(Boolean)
                  .join(" ")}
                {...register("grounds")}
              />
            </div>
            <button type="submit" className="button" disabled={navigation.state === "submitting"}>
              {t("complaints.track.appeal.submit")}
            </button>
          </Form>
        </>
      ) : null}
    </section>
  );
}
