import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, TextArea } from "~/components/forms";
import type { CasePageView } from "~/models/cases/view.server";
import type { FieldErrors } from "~/utils/forms";
import { CaseReferral } from "./case-referral";
import { FieldError } from "./field-error";

/** Handling the case: assign an officer, the moves allowed now (lifecycle), refer it elsewhere. */
export function CaseActions({
  view,
  errorsFor,
}: {
  view: Pick<CasePageView, "case" | "officers" | "moves" | "canRefer" | "departments">;
  errorsFor: (intent: string) => FieldErrors;
}) {
  const { t } = useTranslation();
  const c = view.case;
  const assignErrors = errorsFor("assign");
  const moveErrors = errorsFor("move");
  return (
    <section aria-labelledby="handle-title">
      <h2 id="handle-title">{t("cases.case.handle")}</h2>

      <h3>{t("cases.assign.title")}</h3>
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="assign" />
        <div className={`field${assignErrors.officerId ? " field-error" : ""}`}>
          <label htmlFor="field-officerId">{t("cases.assign.officer")}</label>
          <FieldError id="field-officerId" error={assignErrors.officerId} />
          <select
            id="field-officerId"
            name="officerId"
            defaultValue={c.assignedTo ? String(c.assignedTo) : ""}
          >
            <option value="">{t("cases.fields.unassigned")}</option>
            {view.officers.map((o) => (
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

      {view.moves.length > 0 ? <h3>{t("cases.moves.title")}</h3> : null}
      {view.moves
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
      {view.moves.includes("reply") ? (
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
      {view.moves.includes("stop-clock") ? (
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

      {view.canRefer ? <CaseReferral departments={view.departments} errors={errorsFor("refer")} /> : null}
    </section>
  );
}

/** An internal note: staff only. */
export function CaseNote({ errors }: { errors: FieldErrors }) {
  const { t } = useTranslation();
  return (
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
          error={errors.note}
          rows={3}
          maxLength={5000}
        />
        <button type="submit" className="button secondary">
          {t("cases.notes.submit")}
        </button>
      </Form>
    </section>
  );
}
