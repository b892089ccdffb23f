import { useTranslation } from "react-i18next";
import type { CasePageView } from "~/models/cases/view.server";
import { formats } from "~/utils/formats";
import { PRE } from "./field-error";

type Entry = CasePageView["history"][number];

/** One history entry in words. */
function historyText(t: (key: string, vars?: Record<string, unknown>) => string, e: Entry): string {
  const status = (s: string | null) => (s ? t(`cases.status.${s}`, { defaultValue: s }) : "");
  switch (e.kind) {
    case "transition":
      return e.from == null
        ? t("cases.history.received")
        : t("cases.history.transition", { from: status(e.from), to: status(e.to) });
    case "reply":
      return t("cases.history.reply");
    case "note":
      return t("cases.history.note");
    case "assign":
      return e.assignee ? t("cases.history.assign", { name: e.assignee }) : t("cases.history.unassign");
    case "refer":
      return t("cases.history.refer", { department: e.department ?? "—" });
    case "refer-accept":
      return t("cases.history.referAccept", { department: e.department ?? "—" });
    case "refer-return":
      return t("cases.history.referReturn", { department: e.department ?? "—" });
    case "appeal":
      return t("cases.history.appeal");
    case "citizen-answer":
      return t("caseMessages.history.citizenAnswer");
    case "appeal-decision":
      return t("cases.history.appealDecision", {
        outcome: t(`cases.appeals.outcomes.${e.to}`, { defaultValue: e.to ?? "" }),
      });
    case "deadline":
      return e.deadline
        ? t(e.deadline.closed ? "cases.history.deadlineClosed" : "cases.history.deadlineOpened", {
            date: e.deadline.date,
          })
        : e.kind;
    default:
      return e.kind;
  }
}

type AnswerFile = { id: number; name: string; mime: string; size: number };

/** A case's whole history, oldest first; internal entries are marked; a citizen's answer with its files. */
export function CaseHistory({
  history,
  caseId,
  files = {},
}: {
  history: CasePageView["history"];
  caseId?: number;
  /** the files of each citizen's answer, by its event id */
  files?: Record<string, AnswerFile[]>;
}) {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">{t("cases.history.title")}</h2>
      <ol className="plain-list">
        {history.map((e) => (
          <li key={e.id}>
            <p>
              <strong>{historyText(t, e)}</strong>{" "}
              {e.internal ? <span className="badge">{t("cases.history.internal")}</span> : null}
              <br />
              <span className="hint">
                {f.at(e.at)}
                {e.actor ? ` · ${e.actor}` : ""}
              </span>
            </p>
            {e.body ? <p style={PRE}>{e.body}</p> : null}
            {e.kind === "citizen-answer" && (files[String(e.id)]?.length ?? 0) > 0 ? (
              <>
                <p className="hint">{t("caseMessages.history.files")}</p>
                <ul>
                  {files[String(e.id)]?.map((a) => (
                    <li key={a.id}>
                      <a href={`/staff/cases/${caseId}/attachments/${a.id}`} download>
                        {a.name}
                      </a>{" "}
                      ({a.mime}, {t("cases.attachments.size", { kb: Math.max(1, Math.round(a.size / 1024)) })}
                      )
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {e.deadline?.ack || e.deadline?.reply ? (
              <ul>
                {e.deadline.ack ? (
                  <li>
                    {t("cases.history.deadlineAck", { from: e.deadline.ack[0], to: e.deadline.ack[1] })}
                  </li>
                ) : null}
                {e.deadline.reply ? (
                  <li>
                    {t("cases.history.deadlineReply", {
                      from: e.deadline.reply[0],
                      to: e.deadline.reply[1],
                    })}
                  </li>
                ) : null}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
