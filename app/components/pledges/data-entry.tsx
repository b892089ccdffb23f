import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, TextArea, TextField } from "~/components/forms";
import { formats } from "~/utils/formats";
import type { FieldErrors } from "~/utils/forms";

/*
 * The pledge page's data entry: a quality reading (a measured pledge) or a service transaction (a
 * transactions-timeliness pledge) one at a time, and the CSV import with the newest imports.
 */

/** What the last post of this form sent back: its errors, the values typed and message values. */
export interface Posted {
  errors: FieldErrors;
  values: Record<string, string>;
  messageValues?: Record<string, string | number>;
}

interface MeasuredVersion {
  measure_en: string | null;
  measure_zh: string | null;
  measure_unit: string | null;
  plausible_min: number | null;
  plausible_max: number | null;
}

export function ReadingSection({ version, posted }: { version: MeasuredVersion; posted: Posted | null }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith("zh");
  const errors = posted?.errors ?? {};
  const values = posted?.values ?? {};
  return (
    <section aria-labelledby="reading-title">
      <h2 id="reading-title">{t("pledgesAdmin.reading.title")}</h2>
      <p>
        {t("pledgesAdmin.reading.intro", {
          measure: (zh ? version.measure_zh : version.measure_en) ?? "",
          min: version.plausible_min ?? "—",
          max: version.plausible_max ?? "—",
          unit: version.measure_unit ?? "",
        })}
      </p>
      <ErrorSummary
        errors={errors}
        labels={{
          takenOn: t("pledgesAdmin.reading.date"),
          value: t("pledgesAdmin.reading.value"),
          evidenceNote: t("pledgesAdmin.reading.evidence"),
        }}
      />
      {errors.value === "pledgesAdmin.errors.implausible" ? (
        <p className="notice" role="alert">
          {t("pledgesAdmin.errors.implausibleDetail", posted?.messageValues ?? {})}
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
            defaultValue={values.takenOn}
            error={errors.takenOn}
          />
          <TextField
            name="value"
            label={t("pledgesAdmin.reading.value")}
            hint={version.measure_unit || undefined}
            required
            defaultValue={values.value}
            error={errors.value}
          />
        </div>
        <TextArea
          name="evidenceNote"
          label={t("pledgesAdmin.reading.evidence")}
          hint={t("pledgesAdmin.reading.evidenceHint")}
          maxLength={1000}
          defaultValue={values.evidenceNote}
          error={errors.evidenceNote}
        />
        <button type="submit" className="button">
          {t("pledgesAdmin.reading.submit")}
        </button>
      </Form>
    </section>
  );
}

export function TransactionSection({
  transactionType,
  posted,
}: {
  transactionType: string | null;
  posted: Posted | null;
}) {
  const { t } = useTranslation();
  const errors = posted?.errors ?? {};
  const values = posted?.values ?? {};
  return (
    <section aria-labelledby="transaction-title">
      <h2 id="transaction-title">{t("pledgesAdmin.transaction.title")}</h2>
      <p>{t("pledgesAdmin.transaction.intro", { type: transactionType ?? "" })}</p>
      <ErrorSummary
        errors={errors}
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
          defaultValue={values.externalRef}
          error={errors.externalRef}
        />
        <div className="grid-2">
          <TextField
            name="receivedAt"
            type="datetime-local"
            label={t("pledgesAdmin.transaction.received")}
            hint={t("pledgesAdmin.transaction.timeHint")}
            required
            defaultValue={values.receivedAt}
            error={errors.receivedAt}
          />
          <TextField
            name="completedAt"
            type="datetime-local"
            label={t("pledgesAdmin.transaction.completed")}
            hint={t("pledgesAdmin.transaction.completedHint")}
            defaultValue={values.completedAt}
            error={errors.completedAt}
          />
        </div>
        <button type="submit" className="button">
          {t("pledgesAdmin.transaction.submit")}
        </button>
      </Form>
    </section>
  );
}

export interface ImportRecord {
  id: number;
  filename: string;
  rows: number;
  imported_at: string;
  imported_by_name: string | null;
}

/**
 * Where the pledge's data comes from: the CSV import and the newest imports when it is entered
 * here (readings or transactions), else where it is counted from (cases or a survey).
 */
export function DataSourceSection({
  pledgeId,
  kind,
  targetKind,
  imports,
}: {
  pledgeId: number;
  kind: "readings" | "transactions" | null;
  targetKind: string;
  imports: ImportRecord[];
}) {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  if (!kind) {
    return (
      <section aria-labelledby="source-title">
        <h2 id="source-title">{t("pledgesAdmin.pledge.sourceTitle")}</h2>
        <p>{t(`pledgesAdmin.pledge.source.${targetKind === "satisfaction" ? "survey" : "cases"}`)}</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="import-title">
      <h2 id="import-title">{t(`pledgesAdmin.import.title.${kind}`)}</h2>
      <p>{t(`pledgesAdmin.import.intro.${kind}`)}</p>
      <p>
        <Link className="button secondary" to={`/admin/pledges/${pledgeId}/import`}>
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
  );
}
