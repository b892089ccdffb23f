import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary } from "~/components/forms";
import { resultText } from "~/components/pledges/pledge-form";
import type { PledgeResult } from "~/models/pledges/results.server";
import { formats } from "~/utils/formats";
import type { FieldErrors } from "~/utils/forms";

export interface UnmetNote {
  id: number;
  period: string;
  reason: string;
  corrective_proposal: string;
  recorded_at: string;
  recorded_by_name: string | null;
}

/** What the last "unmet-note" post sent back: the month, its errors and the values typed. */
export interface PostedNote {
  period?: string;
  errors: FieldErrors;
  values: Record<string, string>;
}

/**
 * The pledge page's unmet targets: for each month not met, a form for the reason and the
 * corrective proposal (open while none is recorded or the last post failed), then every note.
 */
export function UnmetNotesSection({
  unmet,
  notes,
  posted,
}: {
  unmet: PledgeResult[];
  notes: UnmetNote[];
  posted: PostedNote | null;
}) {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  const noteFor = new Map(notes.map((n) => [n.period, n]));
  return (
    <section aria-labelledby="unmet-title">
      <h2 id="unmet-title">{t("pledgesAdmin.unmet.title")}</h2>
      <p>{t("pledgesAdmin.unmet.intro")}</p>
      {unmet.length === 0 ? <p>{t("pledgesAdmin.unmet.none")}</p> : null}
      {unmet.map((r) => {
        const mine = posted && posted.period === r.period ? posted : null;
        const errs = mine?.errors ?? {};
        const note = noteFor.get(r.period);
        const vals = mine?.values ?? {};
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
