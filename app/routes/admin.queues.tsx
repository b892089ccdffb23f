import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "~/components/forms";
import { recordAudit } from "~/models/audit/audit.server";
import {
  type FailedJobView,
  isJobId,
  isQueueName,
  JOB_STATES,
  type QueueView,
  queueOverview,
  retryAllFailed,
  retryJob,
  type SchedulerView,
} from "~/models/queues/overview.server";
import { requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { formats } from "~/utils/formats";
import { badRequest, notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { REDIS_HELP, safeUrl } from "~/utils/redis.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "queues.title");

const ROLES = ["system_admin"] as const;

type Notice =
  | { kind: "retried"; queue: string; id: string }
  | { kind: "retriedAll"; queue: string; count: number }
  | { kind: "notFailed"; queue: string; id: string }
  | { kind: "unreachable" };

/** The message a redirect after a retry asks for, when its values are ones we could have sent. */
function noticeFrom(params: URLSearchParams): Notice | null {
  const queue = params.get("queue");
  if (!isQueueName(queue)) return null;
  const id = params.get("retried");
  if (isJobId(id)) return { kind: "retried", queue, id };
  const count = Number(params.get("retriedAll"));
  if (params.has("retriedAll") && Number.isSafeInteger(count) && count >= 0)
    return { kind: "retriedAll", queue, count };
  return null;
}

/** The commands REDIS_HELP gives (in backticks), so the page and the logs say the same. */
function redisCommands(): string[] {
  return [...REDIS_HELP.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** System administrators only: every queue's counts, schedules and newest failed jobs. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, ROLES);
  const overview = await queueOverview(context.redis, context.env.REDIS_PREFIX);
  return {
    overview,
    // The model's order (it is a .server module: the page cannot import the list itself).
    states: JOB_STATES,
    notice: noticeFrom(new URL(request.url).searchParams),
    redisHelp:
      overview.state === "down" ? { url: safeUrl(context.env.REDIS_URL), commands: redisCommands() } : null,
  };
}

/** Retries one failed job or all of a queue's; each retry is audited. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context, ROLES);
  const intent = form.get("intent");
  const queue = form.get("queue");
  if (intent !== "retry" && intent !== "retry-all") throw badRequest();
  if (!isQueueName(queue)) throw notFound();
  const { redis } = context;
  const prefix = context.env.REDIS_PREFIX;
  const unreachable = () => json({ notice: { kind: "unreachable" } as Notice }, { status: 503 });

  if (intent === "retry") {
    const jobId = form.get("jobId");
    if (!isJobId(jobId)) throw notFound();
    const result = await retryJob(redis, prefix, queue, jobId);
    if (result.status === "not-found") throw notFound();
    if (result.status === "unreachable") return unreachable();
    if (result.status === "not-failed")
      return json({ notice: { kind: "notFailed", queue, id: jobId } as Notice }, { status: 409 });
    await recordAudit(context.db, {
      action: "queue.retry",
      actorUserId: user.id,
      departmentId: user.departmentId,
      entityType: "job",
      entityId: jobId,
      detail: { queue },
    });
    return redirect(`/admin/queues?${new URLSearchParams({ queue, retried: jobId })}`);
  }

  const result = await retryAllFailed(redis, prefix, queue);
  if (result.status === "unreachable") return unreachable();
  await recordAudit(context.db, {
    action: "queue.retry-all",
    actorUserId: user.id,
    departmentId: user.departmentId,
    entityType: "queue",
    entityId: queue,
    detail: { queue, count: result.count },
  });
  return redirect(`/admin/queues?${new URLSearchParams({ queue, retriedAll: String(result.count) })}`);
}

function useFormats() {
  const { i18n } = useTranslation();
  const f = formats(i18n.language);
  return { count: f.count, at: f.atSeconds };
}

export default function Queues() {
  const { t } = useTranslation();
  const { overview, states, notice: fromRedirect, redisHelp } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const notice = actionData?.notice ?? fromRedirect;
  const queueLabel = (name: string) => t(`queues.names.${name}`, { defaultValue: name });
  const f = useFormats();
  return (
    <div className="container">
      <h1>{t("queues.title")}</h1>
      <p>{t("queues.intro")}</p>
      {notice?.kind === "retried" ? (
        <p className="notice success" role="status">
          {t("queues.notices.retried", { id: notice.id, queue: queueLabel(notice.queue) })}
        </p>
      ) : notice?.kind === "retriedAll" ? (
        <p className="notice success" role="status">
          {t("queues.notices.retriedAll", { count: notice.count, queue: queueLabel(notice.queue) })}
        </p>
      ) : notice?.kind === "notFailed" ? (
        <p className="notice" role="alert">
          {t("queues.notices.notFailed", { id: notice.id, queue: queueLabel(notice.queue) })}
        </p>
      ) : notice?.kind === "unreachable" ? (
        <p className="notice" role="alert">
          {t("queues.notices.unreachable")}
        </p>
      ) : null}

      {overview.state === "down" ? (
        <section aria-labelledby="queues-down" className="notice">
          <h2 id="queues-down">{t("queues.down.title")}</h2>
          <p>{t("queues.down.body", { url: redisHelp?.url ?? "" })}</p>
          <p>{t("queues.down.howTo")}</p>
          <ul>
            {(redisHelp?.commands ?? []).map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <>
          <section aria-labelledby="queue-counts">
            <h2 id="queue-counts">{t("queues.counts.title")}</h2>
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">{t("queues.counts.caption")}</caption>
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
                  {overview.queues.map((q) => (
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
              </table>
            </div>
          </section>
          {overview.queues.map((q) => (
            <QueueSection key={q.name} queue={q} label={queueLabel(q.name)} f={f} />
          ))}
        </>
      )}
    </div>
  );
}

function QueueSection({
  queue,
  label,
  f,
}: {
  queue: QueueView;
  label: string;
  f: ReturnType<typeof useFormats>;
}) {
  const { t } = useTranslation();
  const headingId = `queue-${queue.name}`;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t("queues.queueHeading", { queue: label })}</h2>
      <h3 style={{ marginTop: "1.5rem" }}>{t("queues.schedulers.title")}</h3>
      {queue.schedulers.length === 0 ? (
        <p>{t("queues.schedulers.none")}</p>
      ) : (
        <Schedulers schedulers={queue.schedulers} label={label} f={f} />
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
          <FailedJobs queue={queue.name} jobs={queue.failed} label={label} f={f} />
        </>
      )}
    </section>
  );
}

function Schedulers({
  schedulers,
  label,
  f,
}: {
  schedulers: SchedulerView[];
  label: string;
  f: ReturnType<typeof useFormats>;
}) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{t("queues.schedulers.caption", { queue: label })}</caption>
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
              <td>{s.nextRunAt ? f.at(s.nextRunAt) : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FailedJobs({
  queue,
  jobs,
  label,
  f,
}: {
  queue: string;
  jobs: FailedJobView[];
  label: string;
  f: ReturnType<typeof useFormats>;
}) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{t("queues.failed.caption", { queue: label })}</caption>
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
              <td>{j.finishedOn ? f.at(j.finishedOn) : "—"}</td>
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
      </table>
    </div>
  );
}
