import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, TextArea } from "~/components/forms";
import { NOTE_FIELDS, type NoteActionData, notePrefix } from "~/models/reports/schema";

/**
 * Why a target was missed and what will be done: one form per unmet pledge, posted to this page.
 * A recorded note is updated behind a disclosure; a missing one is an action item, so its form is open.
 */
export function UnmetNoteForm({
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
