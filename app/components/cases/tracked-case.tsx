import { zodResolver } from "@hookform/resolvers/zod";
import { Form, Link, useNavigation, useSubmit } from "@remix-run/react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { ErrorSummary, mergeErrors } from "~/components/forms";
import { KeepValueTogether } from "~/components/nowrap";
import { TableRegion } from "~/components/table-region";
import { ATTACHMENT_LIMITS, CitizenAppealSchema, COMPLAINT_LIMITS, E } from "~/models/cases/schema";
import type { TrackedCaseView } from "~/models/cases/tracking.server";
import { formats } from "~/utils/formats";
import type { FieldErrors } from "~/utils/forms";
import { keepTogether } from "~/utils/keep-together";
import { AttachmentField, Honeypot } from "./complaint-fields";

/* What a citizen sees of their case on the tracking page (track.tsx): summary, history, appeal. */

/** The tracking page's answer when the reference and contact matched. */
export interface TrackedCaseAnswer {
  view: TrackedCaseView;
  /** sent back in hidden fields: every post proves the lookup again */
  lookup: { reference: string; contact: string };
  lodged: boolean;
  appealError: string | null;
  errors: FieldErrors;
  grounds: string;
  /** after an answer from the answer form: whether it restarted the clock */
  answered: "resumed" | "kept" | null;
  answerErrors: FieldErrors;
  answerText: string;
}

function useFormats() {
  const { i18n } = useTranslation();
  // Due dates are Hong Kong calendar dates (YYYY-MM-DD); instants are shown in Hong Kong time.
  const f = formats(i18n.language);
  return { date: f.longDate, dateOf: f.longDayOf, time: f.at };
}

export function TrackedCase({ data }: { data: TrackedCaseAnswer }) {
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
      <h1>
        <KeepValueTogether
          text={t("complaints.track.caseTitle", { reference: view.reference })}
          value={view.reference}
        />
      </h1>
      <h2>{t("complaints.track.summaryTitle")}</h2>
      {/* Two columns of label and value: stacked rows, which fit a phone without scrolling. */}
      <dl className="summary-list">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {stopped ? <p className="notice">{t("complaints.track.clockStopped")}</p> : null}
      <AnswerSection data={data} />

      <h2 id="history-title">{t("complaints.track.historyTitle")}</h2>
      <TableRegion labelledBy="history-title">
        <thead>
          <tr>
            <th scope="col">{t("complaints.track.historyWhen")}</th>
            <th scope="col">{t("complaints.track.historyWhat")}</th>
          </tr>
        </thead>
        <tbody>
          {view.history.map((e) => (
            <tr key={e.id}>
              <td className="nowrap">{f.time(e.at)}</td>
              <td>
                <HistoryEntry event={e} />
              </td>
            </tr>
          ))}
        </tbody>
      </TableRegion>

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
    case "citizen-answer":
      return (
        <>
          {t("caseMessages.track.event")}
          {e.body ? text(e.body) : null}
          {e.files.length > 0
            ? text(t("caseMessages.track.attachments", { names: e.files.join(", ") }))
            : null}
        </>
      );
    case "appeal-decision":
      return (
        <>
          {t("complaints.track.event.decision", { outcome: t(`complaints.track.outcomes.${e.toStatus}`) })}
          {e.body ? text(e.body) : null}
        </>
      );
  }
}

function AppealSection({ data }: { data: TrackedCaseAnswer }) {
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

/** The client's own check of the chosen files (the server checks again, from their bytes). */
function checkChosenFiles(input: HTMLInputElement | null): string | undefined {
  const files = [...(input?.files ?? [])];
  if (files.length > ATTACHMENT_LIMITS.count) return E.tooManyFiles;
  if (files.some((f) => f.size > ATTACHMENT_LIMITS.bytes)) return E.fileTooLarge;
  return undefined;
}

/**
 * While the clock waits on the citizen: their answer, with up to three files (a multipart form
 * that works without JavaScript). Sending it restarts the clock.
 */
function AnswerSection({ data }: { data: TrackedCaseAnswer }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const submit = useSubmit();
  const [fileError, setFileError] = useState<string | undefined>();
  const errors: FieldErrors = { ...data.answerErrors };
  if (fileError) errors.attachment = fileError;
  const formError = errors.form;
  delete errors.form;
  const waiting = data.view.status === "awaiting_customer";
  const notice = data.answered ? (
    <p className="notice success" role="status">
      {t(data.answered === "resumed" ? "caseMessages.track.sentResumed" : "caseMessages.track.sentKept")}
    </p>
  ) : null;
  if (!waiting && !formError && Object.keys(errors).length === 0) return notice;
  const labels = { answer: t("caseMessages.track.answer"), attachment: t("caseMessages.track.files") };
  return (
    <section aria-labelledby="answer-title">
      <h2 id="answer-title">{t("caseMessages.track.answerTitle")}</h2>
      {notice}
      <ErrorSummary errors={errors} labels={labels} formError={formError} />
      {waiting ? (
        <>
          <p>{keepTogether(t("caseMessages.track.answerIntro"))}</p>
          <Form
            method="post"
            encType="multipart/form-data"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              const formEl = event.currentTarget;
              const input = formEl.elements.namedItem("attachment") as HTMLInputElement | null;
              const problem = checkChosenFiles(input);
              setFileError(problem);
              if (!problem) submit(formEl);
            }}
          >
            <input type="hidden" name="intent" value="answer" />
            <input type="hidden" name="reference" value={data.lookup.reference} />
            <input type="hidden" name="contact" value={data.lookup.contact} />
            <Honeypot />
            <div className={`field${errors.answer ? " field-error" : ""}`}>
              <label htmlFor="field-answer">{labels.answer}</label>
              <p className="hint" id="field-answer-hint">
                {t("caseMessages.track.answerHint", { count: COMPLAINT_LIMITS.whatHappened })}
              </p>
              {errors.answer ? (
                <p className="error-message" id="field-answer-error">
                  <span className="visually-hidden">{t("forms.errorPrefix")}</span> {t(errors.answer)}
                </p>
              ) : null}
              <textarea
                id="field-answer"
                name="answer"
                rows={6}
                maxLength={COMPLAINT_LIMITS.whatHappened}
                defaultValue={data.answerText}
                aria-required
                aria-invalid={errors.answer ? true : undefined}
                aria-describedby={["field-answer-hint", errors.answer ? "field-answer-error" : null]
                  .filter(Boolean)
                  .join(" ")}
              />
            </div>
            <AttachmentField
              label={labels.attachment}
              error={errors.attachment}
              again={Object.keys(data.answerErrors).length > 0}
              onChange={(input) => setFileError(checkChosenFiles(input))}
            />
            <button type="submit" className="button" disabled={navigation.state === "submitting"}>
              {t("caseMessages.track.submit")}
            </button>
          </Form>
        </>
      ) : null}
    </section>
  );
}
