import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { TableRegion } from "~/components/table-region";
import type { CasePageView } from "~/models/cases/view.server";
import { formats } from "~/utils/formats";

type Step = CasePageView["deadlines"]["ack"];

function DeadlineRow({
  label,
  step,
  status,
  closed,
}: {
  label: string;
  step: Step;
  status: string;
  closed: boolean;
}) {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  let state: ReactNode = null;
  if (step.doneAt) {
    state = t("cases.deadline.doneOn", { date: f.at(step.doneAt) });
    if (closed && step.met != null) {
      state = (
        <>
          {state} · <strong>{step.met ? t("cases.deadline.met") : t("cases.deadline.notMet")}</strong>
        </>
      );
    }
  } else if (closed) {
    state = <strong>{t("cases.deadline.notMet")}</strong>;
  } else if (status === "awaiting_customer") {
    state = t("cases.deadline.clockStopped");
  } else if (step.left != null) {
    state =
      step.left < 0 ? (
        <strong className="error-message">{t("cases.deadline.overdueBy", { count: -step.left })}</strong>
      ) : step.left === 0 ? (
        t("cases.deadline.dueToday")
      ) : (
        t("cases.deadline.left", { count: step.left })
      );
  }
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className="nowrap">{step.due ? f.date(step.due) : "—"}</td>
      <td>{state ?? "—"}</td>
    </tr>
  );
}

/** The two pledged steps of a case: due date, and done, met, stopped or the working days left. */
export function CaseDeadlines({ view }: { view: Pick<CasePageView, "case" | "deadlines"> }) {
  const { t } = useTranslation();
  const status = view.case.status;
  const closed = status === "closed";
  return (
    <section aria-labelledby="deadlines-title">
      <h2 id="deadlines-title">{t("cases.deadline.title")}</h2>
      <TableRegion caption={t("cases.deadline.title")} captionHidden>
        <thead>
          <tr>
            <th scope="col">{t("cases.deadline.step")}</th>
            <th scope="col">{t("cases.deadline.due")}</th>
            <th scope="col">{t("cases.deadline.state")}</th>
          </tr>
        </thead>
        <tbody>
          <DeadlineRow
            label={t("cases.deadline.ack")}
            step={view.deadlines.ack}
            status={status}
            closed={closed}
          />
          <DeadlineRow
            label={t("cases.deadline.reply")}
            step={view.deadlines.reply}
            status={status}
            closed={closed}
          />
        </tbody>
      </TableRegion>
    </section>
  );
}
