import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TableRegion } from "~/components/table-region";
import { listOutbox } from "~/models/outbox/email.server";
import { requireUser } from "~/models/staff/auth.server";
import { formats } from "~/utils/formats";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "outbox.title");

/** System administrators read every department's outbox; department administrators their own. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, ["department_admin", "system_admin"]);
  const messages = await listOutbox(
    context.db,
    context.env.PII_KEY,
    user.role === "system_admin" ? "all" : { departmentId: user.departmentId },
  );
  return { messages, mailServer: Boolean(context.env.SMTP_URL) };
}

export default function Outbox() {
  const { t, i18n } = useTranslation();
  const { messages, mailServer } = useLoaderData<typeof loader>();
  const f = formats(i18n.language);
  return (
    <div className="container">
      <h1>{t("outbox.title")}</h1>
      <p>{t("outbox.intro")}</p>
      {mailServer ? null : <p role="status">{t("outbox.noMailServer")}</p>}
      {messages.length === 0 ? (
        <p>{t("outbox.none")}</p>
      ) : (
        <TableRegion caption={t("outbox.title")} captionHidden>
          <thead>
            <tr>
              <th scope="col">{t("outbox.created")}</th>
              <th scope="col">{t("outbox.kind")}</th>
              <th scope="col">{t("outbox.subject")}</th>
              <th scope="col">{t("outbox.to")}</th>
              <th scope="col">{t("outbox.status")}</th>
              <th scope="col">{t("outbox.attempts")}</th>
              <th scope="col">{t("outbox.lastError")}</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.id}>
                <td className="nowrap">{f.at(m.created_at)}</td>
                <td>{t(`outbox.kinds.${m.kind.replace(/\./g, "_")}`, { defaultValue: m.kind })}</td>
                <td>{m.subject}</td>
                <td>{m.to ?? "—"}</td>
                <td>{m.sent_at ? t("outbox.sent", { when: f.at(m.sent_at) }) : t("outbox.waiting")}</td>
                <td>{m.attempts}</td>
                <td>{m.last_error ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </TableRegion>
      )}
    </div>
  );
}
