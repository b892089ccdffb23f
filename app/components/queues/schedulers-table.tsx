import { useTranslation } from "react-i18next";
import { TableRegion } from "~/components/table-region";
import type { SchedulerView } from "~/models/queues/overview.server";
import { useQueueFormats } from "./format";

/** A queue's job schedulers: id, job, how it repeats, time zone, next run. */
export function SchedulersTable({ schedulers, label }: { schedulers: SchedulerView[]; label: string }) {
  const { t } = useTranslation();
  const f = useQueueFormats();
  return (
    <TableRegion caption={t("queues.schedulers.caption", { queue: label })} captionHidden>
      <thead>
        <tr>
          <th scope="col">{t("queues.schedulers.id")}</th>
          <th scope="col">{t("queues.schedulers.job")}</th>
          <th scope="col">{t("queues.schedulers.repeats")}</th>
          <th scope="col">{t("queues.schedulers.tz")}</th>
          <th scope="col">{t("queues.schedulers.next")}</th>
        </tr>
      </thead>
      <tbody>
        {schedulers.map((s) => (
          <tr key={s.id}>
            <th scope="row">
              <code>{s.id}</code>
            </th>
            <td>
              <code>{s.jobName}</code>
            </td>
            <td>
              {s.pattern
                ? t("queues.schedulers.pattern", { pattern: s.pattern })
                : s.everyMs != null
                  ? t("queues.schedulers.every", { seconds: f.count(s.everyMs / 1000) })
                  : "—"}
            </td>
            <td>{s.tz ?? "—"}</td>
            <td className="nowrap">{s.nextRunAt ? f.at(s.nextRunAt) : "—"}</td>
          </tr>
        ))}
      </tbody>
    </TableRegion>
  );
}
