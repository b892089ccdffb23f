import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "~/components/forms";
import type { QueueView } from "~/models/queues/overview.server";
import { FailedJobsTable } from "./failed-jobs-table";
import { useQueueFormats } from "./format";
import { SchedulersTable } from "./schedulers-table";

/** One queue: its job schedulers, then its newest failed jobs with a retry for each and for all. */
export function QueueSection({ queue, label }: { queue: QueueView; label: string }) {
  const { t } = useTranslation();
  const f = useQueueFormats();
  const headingId = `queue-${queue.name}`;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t("queues.queueHeading", { queue: label })}</h2>
      <h3 style={{ marginTop: "1.5rem" }}>{t("queues.schedulers.title")}</h3>
      {queue.schedulers.length === 0 ? (
        <p>{t("queues.schedulers.none")}</p>
      ) : (
        <SchedulersTable schedulers={queue.schedulers} label={label} />
      )}
      <h3 style={{ marginTop: "1.5rem" }}>{t("queues.failed.title")}</h3>
      {queue.failed.length === 0 ? (
        <p>{t("queues.failed.none")}</p>
      ) : (
        <>
          {queue.counts.failed > queue.failed.length ? (
            <p>
              {t("queues.failed.showing", {
                shown: f.count(queue.failed.length),
                total: f.count(queue.counts.failed),
              })}
            </p>
          ) : null}
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="retry-all" />
            <input type="hidden" name="queue" value={queue.name} />
            <p>
              <button type="submit" className="button secondary">
                {t("queues.failed.retryAll", { queue: label })}
              </button>
            </p>
          </Form>
          <FailedJobsTable queue={queue.name} jobs={queue.failed} label={label} />
        </>
      )}
    </section>
  );
}
