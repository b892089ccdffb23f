import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, TextArea } from "~/components/forms";
import { APPEAL_OUTCOMES } from "~/models/cases/schema";
import type { CasePageView } from "~/models/cases/view.server";
import { formats } from "~/utils/formats";
import type { FieldErrors } from "~/utils/forms";
import { FieldError, PRE } from "./field-error";

/** A case's appeals, the decision form for the open one (or why the reader may not decide it), lodging one. */
export function CaseAppeals({
  view,
  errorsFor,
}: {
  view: Pick<CasePageView, "appeals" | "openAppealId" | "decideBlock" | "canLodge" | "appealLast">;
  errorsFor: (intent: string) => FieldErrors;
}) {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  const openAppeal = view.appeals.find((a) => a.id === view.openAppealId) ?? null;
  const decideErrors = errorsFor("decide-appeal");
  return (
    <section aria-labelledby="appeals-title">
      <h2 id="appeals-title">{t("cases.appeals.title")}</h2>
      {view.appeals.length === 0 ? <p>{t("cases.appeals.none")}</p> : null}
      {view.appeals.map((a) => (
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
                {a.met != null ? ` · ${a.met ? t("cases.deadline.met") : t("cases.deadline.notMet")}` : null}
              </p>
              <p style={PRE}>{a.reply}</p>
            </>
          ) : null}
        </div>
      ))}
      {openAppeal ? (
        view.decideBlock ? (
          <p className="notice">{t(`cases.appeals.errors.${view.decideBlock}`)}</p>
        ) : (
          <>
            <h3>{t("cases.appeals.decideTitle")}</h3>
            <Form method="post">
              <CsrfInput />
              <input type="hidden" name="intent" value="decide-appeal" />
              <input type="hidden" name="appealId" value={openAppeal.id} />
              <fieldset className={`field${decideErrors.outcome ? " field-error" : ""}`}>
                <legend>{t("cases.appeals.outcome")}</legend>
                <FieldError id="field-outcome" error={decideErrors.outcome} />
                <div className="choices">
                  {APPEAL_OUTCOMES.map((o, i) => (
                    <label
                      className="choice"
                      htmlFor={i === 0 ? "field-outcome" : `field-outcome-${o}`}
                      key={o}
                    >
                      <input
                        id={i === 0 ? "field-outcome" : `field-outcome-${o}`}
                        type="radio"
                        name="outcome"
                        value={o}
                      />
                      <span>{t(`cases.appeals.outcomes.${o}`)}</span>
                    </label>
                  ))}
                </div>
              </fieldset>
              <TextArea
                required
                name="appealReply"
                label={t("cases.appeals.reply")}
                hint={t("cases.moves.replyHint")}
                error={decideErrors.appealReply}
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
      {view.canLodge ? (
        <>
          <h3>{t("cases.appeals.lodgeTitle")}</h3>
          <p>
            {t("cases.appeals.lodgeIntro", {
              date: view.appealLast ? f.date(view.appealLast) : "—",
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
  );
}
