import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, TextField } from "~/components/forms";
import { allowResetRequest, requestPasswordReset } from "~/models/staff/password-reset.server";
import { ForgotPasswordSchema } from "~/models/staff/schema";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { parseForm } from "~/utils/forms";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staffAccount.forgot.title");

export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function loader(_: LoaderFunctionArgs) {
  return null;
}

/**
 * The same answer whether or not an account has the address (OWASP Forgot Password Cheat Sheet):
 * the page never says which. Limited per client address and per typed address.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const parsed = parseForm(ForgotPasswordSchema, form);
  if (!parsed.ok) return json({ state: "invalid" as const, errors: parsed.errors }, 400);
  if (!(await allowResetRequest(context, parsed.data.email))) {
    const seconds = context.limiters.resetEmail.durationSeconds;
    return json(
      { state: "throttled" as const, errors: {} },
      { status: 429, headers: { "Retry-After": String(seconds) } },
    );
  }
  await requestPasswordReset(context.db, context.env.PII_KEY, parsed.data.email, await getLocale(request));
  return json({ state: "sent" as const, errors: {} });
}

export default function ForgotPassword() {
  const { t } = useTranslation();
  const data = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (data?.state === "sent") {
    return (
      <div className="container narrow">
        <h1>{t("staffAccount.forgot.sentTitle")}</h1>
        <p className="notice success" role="status">
          {t("staffAccount.forgot.sent")}
        </p>
        <p>
          <Link to="/staff/sign-in">{t("staffAccount.forgot.backToSignIn")}</Link>
        </p>
      </div>
    );
  }
  if (data?.state === "throttled") {
    return (
      <div className="container narrow">
        <h1>{t("staffAccount.forgot.throttledTitle")}</h1>
        <p className="notice" role="alert">
          {t("staffAccount.forgot.throttled")}
        </p>
        <p>
          <Link to="/staff/sign-in">{t("staffAccount.forgot.backToSignIn")}</Link>
        </p>
      </div>
    );
  }
  const errors = data?.errors ?? {};
  const labels = { email: t("staffAccount.forgot.email") };
  return (
    <div className="container narrow">
      <h1>{t("staffAccount.forgot.title")}</h1>
      <p>{t("staffAccount.forgot.intro")}</p>
      <ErrorSummary errors={errors} labels={labels} />
      <Form method="post" noValidate>
        <CsrfInput />
        <TextField
          name="email"
          type="email"
          label={labels.email}
          autoComplete="email"
          required
          error={errors.email}
        />
        <button type="submit" className="button" disabled={busy}>
          {t("staffAccount.forgot.submit")}
        </button>
      </Form>
      <p>
        <Link to="/staff/sign-in">{t("staffAccount.forgot.backToSignIn")}</Link>
      </p>
    </div>
  );
}
