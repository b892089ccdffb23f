import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "~/components/forms";
import { TableRegion } from "~/components/table-region";
import type { FailedJobView } from "~/models/queues/overview.server";
import { useQueueFormats } from "./format";

/** A queue's newest failed jobs: payload, when, attempts, the error and where; a retry for each. */
export function FailedJobsTable({
  queue,
  jobs,
  label,
}: {
  queue: string;
  jobs: FailedJobView[];
  label: string;
}) {
  const { t } = useTranslation();
  const f = useQueueFormats();
  return (
    <TableRegion caption={t("queues.failed.caption", { queue: label })} captionHidden>
      <thead>
        <tr>
          <th scope="col">{t("queues.failed.id")}</th>
          <th scope="col">{t("queues.failed.name")}</th>
          <th scope="col">{t("queues.failed.data")}</th>
          <th scope="col">{t("queues.failed.finished")}</th>
          <th scope="col">{t("queues.failed.attempts")}</th>
          <th scope="col">{t("queues.failed.error")}</th>
          <th scope="col">{t("queues.failed.action")}</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((j) => (
          <tr key={j.id} data-job={j.id}>
            <th scope="row">
              <code>{j.id}</code>
            </th>
            <td>
              <code>{j.name}</code>
            </td>
            <td>
              <code style={{ overflowWrap: "anywhere" }}>{j.data}</code>
            </td>
            <td className="nowrap">{j.finishedOn ? f.at(j.finishedOn) : "—"}</td>
            <td>{f.count(j.attemptsMade)}</td>
            <td style={{ overflowWrap: "anywhere" }}>
              <span style={{ whiteSpace: "pre-wrap" }}>{j.failedReason || "—"}</span>
              {j.where ? (
                <>
                  <br />
                  <small>{t("queues.failed.where", { where: j.where })}</small>
                </>
              ) : null}
            </td>
            <td>
              <Form method="post">
                <CsrfInput />
                <input type="hidden" name="intent" value="retry" />
                <input type="hidden" name="queue" value={queue} />
                <input type="hidden" name="jobId" value={j.id} />
                <button
                  type="submit"
                  className="button secondary"
                  style={{ whiteSpace: "nowrap" }}
                  aria-label={t("queues.failed.retryLabel", { id: j.id, queue: label })}
                >
                  {t("queues.failed.retry")}
                </button>
              </Form>
            </td>
          </tr>
        ))}
      </tbody>
    </TableRegion>
  );
}
