import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, TextArea } from "~/components/forms";
import type { CasePageView } from "~/models/cases/view.server";
import type { FieldErrors } from "~/utils/forms";
import { FieldError } from "./field-error";

/** Referring the case to the department it belongs to, with a reason between departments. */
export function CaseReferral({
  departments,
  errors,
}: {
  departments: CasePageView["departments"];
  errors: FieldErrors;
}) {
  const { t } = useTranslation();
  return (
    <>
      <h3>{t("cases.referrals.title")}</h3>
      <p>{t("cases.referrals.intro")}</p>
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="refer" />
        <div className={`field${errors.toDepartmentId ? " field-error" : ""}`}>
          <label htmlFor="field-toDepartmentId">{t("cases.referrals.toDepartment")}</label>
          <FieldError id="field-toDepartmentId" error={errors.toDepartmentId} />
          <select id="field-toDepartmentId" name="toDepartmentId" defaultValue="">
            <option value="" disabled>
              {t("cases.referrals.choose")}
            </option>
            {departments.map((d) => (
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
          error={errors.referReason}
          rows={2}
          maxLength={2000}
        />
        <button type="submit" className="button secondary">
          {t("cases.referrals.submit")}
        </button>
      </Form>
    </>
  );
}
