import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useQueueLabel } from "~/components/queues/format";
import { QueueCounts } from "~/components/queues/queue-counts";
import { QueueNoticeMessage } from "~/components/queues/queue-notice";
import { QueueSection } from "~/components/queues/queue-section";
import { QueuesDown } from "~/components/queues/queues-down";
import { recordAudit } from "~/models/audit/audit.server";
import { isJobId, isQueueName, retryAllFailed, retryJob } from "~/models/queues/overview.server";
import { type QueueNotice, queuesPageView } from "~/models/queues/view.server";
import { requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { badRequest, notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "queues.title");

const ROLES = ["system_admin"] as const;

/** System administrators only: every queue's counts, schedules and newest failed jobs. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, ROLES);
  return queuesPageView(context.redis, context.env, new URL(request.url));
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
  const unreachable = () => json({ notice: { kind: "unreachable" } as QueueNotice }, { status: 503 });

  if (intent === "retry") {
    const jobId = form.get("jobId");
    if (!isJobId(jobId)) throw notFound();
    const result = await retryJob(redis, prefix, queue, jobId);
    if (result.status === "not-found") throw notFound();
    if (result.status === "unreachable") return unreachable();
    if (result.status === "not-failed")
      return json({ notice: { kind: "notFailed", queue, id: jobId } as QueueNotice }, { status: 409 });
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

export default function Queues() {
  const { t } = useTranslation();
  const { overview, states, notice: fromRedirect, redisHelp } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const notice = actionData?.notice ?? fromRedirect;
  const queueLabel = useQueueLabel();
  return (
    <div className="container">
      <h1>{t("queues.title")}</h1>
      <p>{t("queues.intro")}</p>
      <QueueNoticeMessage notice={notice} />
      {overview.state === "down" ? (
        <QueuesDown redisHelp={redisHelp} />
      ) : (
        <>
          <QueueCounts queues={overview.queues} states={states} />
          {overview.queues.map((q) => (
            <QueueSection key={q.name} queue={q} label={queueLabel(q.name)} />
          ))}
        </>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  const { t } = useTranslation();
  return <GeneralErrorBoundary statusHandlers={{ 404: () => <p>{t("errors.notFound.job")}</p> }} />;
}
