import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, TextField } from "~/components/forms";
import type { FieldErrors } from "~/utils/forms";

export interface ClosureItem {
  id: number;
  date: string;
  reasonEn: string;
  reasonZh: string;
}

/**
 * Closure days, newest first, each with a "Remove" button (a POST form, so it works without
 * JavaScript) when the reader may remove it.
 */
export function ClosureList<T extends ClosureItem>({
  closures,
  zh,
  canRemove,
  note,
}: {
  closures: readonly T[];
  zh: boolean;
  canRemove: (c: T) => boolean;
  note?: (c: T) => string | null;
}) {
  const { t } = useTranslation();
  return (
    <ul className="plain-list">
      {closures.map((c) => {
        const extra = note?.(c);
        return (
          <li key={c.id}>
            <Form method="post" className="inline-form">
              {c.date} — {zh ? c.reasonZh : c.reasonEn}
              {extra ? (
                <>
                  {" "}
                  <span className="badge">{extra}</span>
                </>
              ) : null}
              {canRemove(c) ? (
                <>
                  {" "}
                  <CsrfInput />
                  <input type="hidden" name="intent" value="remove-closure" />
                  <input type="hidden" name="closureId" value={c.id} />
                  <button
                    type="submit"
                    className="link-button"
                    aria-label={t("caseSettings.removeClosureLabel", { date: c.date })}
                  >
                    {t("caseSettings.removeClosure")}
                  </button>
                </>
              ) : null}
            </Form>
          </li>
        );
      })}
    </ul>
  );
}

/** The form that enters a closure day: the date and the reason in both languages. */
export function ClosureDayForm({ errors, submitLabel }: { errors: FieldErrors; submitLabel: string }) {
  const { t } = useTranslation();
  return (
    <>
      <ErrorSummary
        errors={errors}
        labels={{
          date: t("caseSettings.date"),
          reasonEn: t("caseSettings.reasonEn"),
          reasonZh: t("caseSettings.reasonZh"),
        }}
      />
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="closure" />
        <TextField name="date" type="date" label={t("caseSettings.date")} required error={errors.date} />
        <TextField name="reasonEn" label={t("caseSettings.reasonEn")} required error={errors.reasonEn} />
        <TextField name="reasonZh" label={t("caseSettings.reasonZh")} required error={errors.reasonZh} />
        <button type="submit" className="button">
          {submitLabel}
        </button>
      </Form>
    </>
  );
}
