import { useTranslation } from "react-i18next";
import { TableRegion } from "~/components/table-region";
import type { JobStateName, QueueView } from "~/models/queues/overview.server";
import { useQueueFormats, useQueueLabel } from "./format";

/** One row per queue, one column per job state. */
export function QueueCounts({ queues, states }: { queues: QueueView[]; states: readonly JobStateName[] }) {
  const { t } = useTranslation();
  const queueLabel = useQueueLabel();
  const f = useQueueFormats();
  return (
    <section aria-labelledby="queue-counts">
      <h2 id="queue-counts">{t("queues.counts.title")}</h2>
      <TableRegion caption={t("queues.counts.caption")} captionHidden>
        <thead>
          <tr>
            <th scope="col">{t("queues.counts.queue")}</th>
            {states.map((s) => (
              <th scope="col" key={s}>
                {t(`queues.states.${s}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {queues.map((q) => (
            <tr key={q.name} data-queue={q.name}>
              <th scope="row">{queueLabel(q.name)}</th>
              {states.map((s) => (
                <td key={s} data-state={s}>
                  {f.count(q.counts[s])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </TableRegion>
    </section>
  );
}
