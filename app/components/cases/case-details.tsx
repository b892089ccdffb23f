import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "~/components/forms";
import type { CasePageView } from "~/models/cases/view.server";
import { formats } from "~/utils/formats";
import { PRE } from "./field-error";

/** What the citizen told us: the case's details, contact (masked until shown), attachments. */
export function CaseDetails({
  view,
  contact,
}: {
  view: Pick<CasePageView, "case" | "attachments">;
  /** masked, or in full in the answer to the "show" form */
  contact: CasePageView["contact"];
}) {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  const c = view.case;
  return (
    <>
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
        {view.attachments.length === 0 ? (
          <p>{t("cases.attachments.none")}</p>
        ) : (
          <ul>
            {view.attachments.map((a) => (
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
    </>
  );
}
