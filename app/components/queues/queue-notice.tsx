import { useTranslation } from "react-i18next";
import type { QueueNotice } from "~/models/queues/view.server";
import { useQueueLabel } from "./format";

/** What happened to the last retry: done, done for N jobs, not failed (any more), or no Redis. */
export function QueueNoticeMessage({ notice }: { notice: QueueNotice | null | undefined }) {
  const { t } = useTranslation();
  const queueLabel = useQueueLabel();
  if (notice?.kind === "retried")
    return (
      <p className="notice success" role="status">
        {t("queues.notices.retried", { id: notice.id, queue: queueLabel(notice.queue) })}
      </p>
    );
  if (notice?.kind === "retriedAll")
    return (
      <p className="notice success" role="status">
        {t("queues.notices.retriedAll", { count: notice.count, queue: queueLabel(notice.queue) })}
      </p>
    );
  if (notice?.kind === "notFailed")
    return (
      <p className="notice" role="alert">
        {t("queues.notices.notFailed", { id: notice.id, queue: queueLabel(notice.queue) })}
      </p>
    );
  if (notice?.kind === "unreachable")
    return (
      <p className="notice" role="alert">
        {t("queues.notices.unreachable")}
      </p>
    );
  return null;
}
