import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput } from "~/components/forms";
import { confirmEmailChange } from "~/models/staff/own-account.server";
import { staffTokenState } from "~/models/staff/tokens.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staffAccount.confirmEmail.title");

type State = "open" | "done" | "used" | "expired" | "unknown";
const answer = (state: State, email: string | null = null) =>
  json({ state, email }, state === "unknown" ? 404 : state === "used" || state === "expired" ? 410 : 200);

/**
 * Opening the link shows a button; only pressing it (a POST) changes the address, so a mail
 * scanner that follows every link confirms nothing.
 */
export async function loader({ context, params }: LoaderFunctionArgs) {
  const found = await staffTokenState(context.db, params.token, ["email"]);
  return found.status === "open" ? answer("open", found.newEmail) : answer(found.status);
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const r = await confirmEmailChange(context.db, context.env.PII_KEY, params.token ?? "");
  return r.ok ? answer("done") : answer(r.status);
}

export default function ConfirmEmail() {
  const { t } = useTranslation();
  const loaded = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>() ?? loaded;
  const busy = useNavigation().state === "submitting";
  if (data.state === "done") {
    return (
      <div className="container narrow">
        <h1>{t("staffAccount.confirmEmail.title")}</h1>
        <p className="notice success" role="status">
          {t("staffAccount.confirmEmail.done")}
        </p>
        <p>
          <Link to="/staff/account">{t("staffAccount.account.title")}</Link>
        </p>
      </div>
    );
  }
  if (data.state !== "open") {
    return (
      <div className="container narrow">
        <h1>{t("staffAccount.reset.invalidTitle")}</h1>
        <p className="notice" role="alert">
          {t(`staffAccount.reset.${data.state}`)}
        </p>
        <p>
          <Link to="/staff/account">{t("staffAccount.account.title")}</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="container narrow">
      <h1>{t("staffAccount.confirmEmail.title")}</h1>
      <p>{t("staffAccount.confirmEmail.intro")}</p>
      <p>
        <strong>{data.email}</strong>
      </p>
      <Form method="post">
        <CsrfInput />
        <button type="submit" className="button" disabled={busy}>
          {t("staffAccount.confirmEmail.submit")}
        </button>
      </Form>
    </div>
  );
}
