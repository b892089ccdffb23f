import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, TextField } from "~/components/forms";
import { setPasswordWithToken } from "~/models/staff/password-reset.server";
import { SetPasswordSchema } from "~/models/staff/schema";
import { staffTokenState } from "~/models/staff/tokens.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { parseForm } from "~/utils/forms";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(
    matches,
    data?.state === "open"
      ? data.purpose === "invite"
        ? "staffAccount.reset.inviteTitle"
        : "staffAccount.reset.title"
      : "staffAccount.reset.invalidTitle",
  );

/** The link's token: /staff/reset-password/<token> or /staff/reset-password?token=<token>. */
function tokenOf(request: Request, params: { token?: string }): string {
  return params.token ?? new URL(request.url).searchParams.get("token") ?? "";
}

/** A link used, expired or unknown: a clear page (410 or 404) with a way to ask again. */
const closed = (status: "used" | "expired" | "unknown") =>
  json({ state: status, purpose: null, username: null, errors: {} }, status === "unknown" ? 404 : 410);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const found = await staffTokenState(context.db, tokenOf(request, params), ["reset", "invite"]);
  if (found.status !== "open") return closed(found.status);
  return json({ state: "open" as const, purpose: found.purpose, username: found.username, errors: {} });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const token = tokenOf(request, params);
  const found = await staffTokenState(context.db, token, ["reset", "invite"]);
  if (found.status !== "open") return closed(found.status);
  const parsed = parseForm(SetPasswordSchema, form);
  if (!parsed.ok) {
    return json(
      { state: "open" as const, purpose: found.purpose, username: found.username, errors: parsed.errors },
      400,
    );
  }
  const done = await setPasswordWithToken(context.db, token, parsed.data.password);
  if (!done.ok) return closed(done.status);
  return redirect("/staff/sign-in?reset=1");
}

export default function ResetPassword() {
  const { t } = useTranslation();
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const data = acted ?? loaded;
  const busy = useNavigation().state === "submitting";
  if (data.state !== "open") {
    return (
      <div className="container narrow">
        <h1>{t("staffAccount.reset.invalidTitle")}</h1>
        <p className="notice" role="alert">
          {t(`staffAccount.reset.${data.state}`)}
        </p>
        <p>
          <Link className="button" to="/staff/forgot-password">
            {t("staffAccount.reset.askAgain")}
          </Link>
        </p>
      </div>
    );
  }
  const invite = data.purpose === "invite";
  const labels = { password: t("staffAccount.reset.password") };
  const errors = data.errors as Record<string, string>;
  return (
    <div className="container narrow">
      <h1>{t(invite ? "staffAccount.reset.inviteTitle" : "staffAccount.reset.title")}</h1>
      <p>
        {t(invite ? "staffAccount.reset.inviteIntro" : "staffAccount.reset.intro", {
          username: data.username,
        })}
      </p>
      <ErrorSummary errors={errors} labels={labels} />
      <Form method="post" noValidate>
        <CsrfInput />
        {/* The account's name for password managers, which file the new password under it. */}
        <input type="hidden" name="username" autoComplete="username" value={data.username ?? ""} />
        <TextField
          name="password"
          type="password"
          label={labels.password}
          hint={t("admin.passwordHint")}
          autoComplete="new-password"
          required
          error={errors.password}
        />
        <button type="submit" className="button" disabled={busy}>
          {t("staffAccount.reset.submit")}
        </button>
      </Form>
    </div>
  );
}
