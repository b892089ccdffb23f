import { zodResolver } from "@hookform/resolvers/zod";
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, mergeErrors, TextField } from "~/components/forms";
import { attemptSignIn, getUser } from "~/models/staff/auth.server";
import { rememberLanguage } from "~/models/staff/mail.server";
import { type SignInInput, SignInSchema } from "~/models/staff/schema";
import { readForm } from "~/utils/body.server";
import { sessionCookie } from "~/utils/cookies.server";
import { assertCsrf } from "~/utils/csrf.server";
import { parseForm } from "~/utils/forms";
import { safeRedirect } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "auth.signInTitle");

/** A page rendered after a refused attempt says when to try again (the action's Retry-After). */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = safeRedirect(url.searchParams.get("redirectTo"));
  if (await getUser(request, context)) throw redirect(redirectTo);
  return {
    redirectTo,
    expired: url.searchParams.get("reason") === "expired",
    reset: url.searchParams.get("reset") === "1",
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const parsed = parseForm(SignInSchema, form);
  if (!parsed.ok)
    return json({ errors: parsed.errors, formError: null, username: parsed.values.username ?? "" }, 400);
  const { username, password, redirectTo } = parsed.data;
  const result = await attemptSignIn(context, username, password);
  if (result.status === "throttled") {
    return json(
      { errors: {}, formError: "auth.throttled", username },
      { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } },
    );
  }
  if (result.status === "invalid") {
    // The same answer for an unknown user and a wrong password (OWASP Authentication Cheat Sheet).
    return json({ errors: {}, formError: "auth.invalidCredentials", username }, 401);
  }
  // Their e-mail (reset links, confirmations) is written in the language they use, until they choose.
  await rememberLanguage(context.db, result.user.id, await getLocale(request));
  return redirect(safeRedirect(redirectTo), {
    headers: { "Set-Cookie": await sessionCookie(context.env).serialize(result.token) },
  });
}

export default function SignIn() {
  const { t } = useTranslation();
  const { redirectTo, expired, reset } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const {
    register,
    handleSubmit,
    formState: { errors: clientErrors },
  } = useForm<SignInInput>({ resolver: zodResolver(SignInSchema), mode: "onTouched" });
  const errors = mergeErrors(actionData?.errors, clientErrors);
  const labels = { username: t("auth.username"), password: t("auth.password") };
  return (
    <div className="container narrow">
      <h1>{t("auth.signInTitle")}</h1>
      {expired && !actionData ? <p className="notice">{t("auth.sessionExpired")}</p> : null}
      {reset && !actionData ? (
        <p className="notice success" role="status">
          {t("staffAccount.reset.done")}
        </p>
      ) : null}
      <ErrorSummary errors={errors} labels={labels} formError={actionData?.formError} />
      <Form
        method="post"
        noValidate
        onSubmit={(event) => {
          const formEl = event.currentTarget;
          handleSubmit(() => submit(formEl))(event);
        }}
      >
        <CsrfInput />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <TextField
          name="username"
          label={labels.username}
          autoComplete="username"
          required
          error={errors.username}
          defaultValue={actionData?.username}
          registration={register("username")}
        />
        <TextField
          name="password"
          type="password"
          label={labels.password}
          autoComplete="current-password"
          required
          error={errors.password}
          registration={register("password")}
        />
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("auth.signIn")}
        </button>
      </Form>
      <p>
        <Link to="/staff/forgot-password">{t("staffAccount.forgotLink")}</Link>
      </p>
    </div>
  );
}
