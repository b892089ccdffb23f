import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, SelectField, TextField } from "~/components/forms";
import { requireUser } from "~/models/staff/auth.server";
import {
  changeOwnPassword,
  getOwnAccount,
  requestEmailChange,
  setOwnLanguage,
} from "~/models/staff/own-account.server";
import {
  ChangeEmailSchema,
  ChangePasswordSchema,
  LanguageSchema,
  STAFF_LANGUAGES,
} from "~/models/staff/schema";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { type FieldErrors, parseForm } from "~/utils/forms";
import { badRequest } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "staffAccount.account.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return json({
    account: await getOwnAccount(context.db, user.id),
    saved: new URL(request.url).searchParams.get("saved"),
  });
}

/** Only one's own account: the signed-in user is the only one these forms change. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const user = await requireUser(request, context);
  const me = {
    id: user.id,
    sessionId: user.sessionId,
    username: user.username,
    departmentId: user.departmentId,
  };
  const intent = form.get("intent");
  if (intent === "password") {
    const parsed = parseForm(ChangePasswordSchema, form);
    if (!parsed.ok) return json({ intent, errors: parsed.errors }, 400);
    const r = await changeOwnPassword(context.db, me, parsed.data.currentPassword, parsed.data.newPassword);
    if (!r.ok)
      return json(
        { intent, errors: { currentPassword: "staffAccount.account.errors.currentPassword" } },
        400,
      );
    return redirect("/staff/account?saved=password");
  }
  if (intent === "email") {
    const parsed = parseForm(ChangeEmailSchema, form);
    if (!parsed.ok) return json({ intent, errors: parsed.errors }, 400);
    const r = await requestEmailChange(context.db, context.env.PII_KEY, me, {
      email: parsed.data.email,
      currentPassword: parsed.data.password,
      locale: await getLocale(request),
    });
    if (!r.ok) {
      const errors: FieldErrors =
        r.error === "sameEmail"
          ? { email: "staffAccount.account.errors.sameEmail" }
          : { password: "staffAccount.account.errors.currentPassword" };
      return json({ intent, errors }, 400);
    }
    return redirect("/staff/account?saved=email");
  }
  if (intent === "language") {
    const parsed = parseForm(LanguageSchema, form);
    if (!parsed.ok) return json({ intent, errors: parsed.errors }, 400);
    await setOwnLanguage(context.db, user.id, parsed.data.language);
    return redirect("/staff/account?saved=language");
  }
  throw badRequest();
}

const SAVED: Record<string, string> = {
  password: "staffAccount.account.passwordChanged",
  email: "staffAccount.account.emailSent",
  language: "staffAccount.account.languageSaved",
};

export default function AccountPage() {
  const { t, i18n } = useTranslation();
  const { account, saved } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errorsFor = (intent: string): FieldErrors => (actionData?.intent === intent ? actionData.errors : {});
  const pErr = errorsFor("password");
  const eErr = errorsFor("email");
  const lErr = errorsFor("language");
  return (
    <div className="container narrow">
      <h1>{t("staffAccount.account.title")}</h1>
      <p>{t("staffAccount.account.intro", { username: account.username })}</p>
      {saved && SAVED[saved] && !actionData ? (
        <p className="notice success" role="status">
          {t(SAVED[saved]!)}
        </p>
      ) : null}

      <section aria-labelledby="password-title">
        <h2 id="password-title">{t("staffAccount.account.passwordTitle")}</h2>
        <ErrorSummary
          errors={pErr}
          labels={{
            currentPassword: t("staffAccount.account.currentPassword"),
            newPassword: t("staffAccount.account.newPassword"),
          }}
        />
        <Form method="post" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="password" />
          <input type="hidden" name="username" autoComplete="username" value={account.username} />
          <TextField
            name="currentPassword"
            type="password"
            label={t("staffAccount.account.currentPassword")}
            autoComplete="current-password"
            required
            error={pErr.currentPassword}
          />
          <TextField
            name="newPassword"
            type="password"
            label={t("staffAccount.account.newPassword")}
            hint={t("admin.passwordHint")}
            autoComplete="new-password"
            required
            error={pErr.newPassword}
          />
          <button type="submit" className="button" disabled={busy}>
            {t("staffAccount.account.changePassword")}
          </button>
        </Form>
      </section>

      <section aria-labelledby="email-title">
        <h2 id="email-title">{t("staffAccount.account.emailTitle")}</h2>
        <p>
          {account.email
            ? t("staffAccount.account.emailCurrent", { email: account.email })
            : t("staffAccount.account.emailNone")}
        </p>
        {account.pendingEmail ? (
          <p className="notice">{t("staffAccount.account.emailPending", { email: account.pendingEmail })}</p>
        ) : null}
        <ErrorSummary
          errors={eErr}
          labels={{
            email: t("staffAccount.account.newEmail"),
            password: t("staffAccount.account.currentPassword"),
          }}
        />
        <Form method="post" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="email" />
          <TextField
            name="email"
            type="email"
            label={t("staffAccount.account.newEmail")}
            hint={t("staffAccount.account.emailHint")}
            autoComplete="email"
            required
            error={eErr.email}
          />
          <TextField
            name="password"
            type="password"
            label={t("staffAccount.account.currentPassword")}
            autoComplete="current-password"
            required
            error={eErr.password}
          />
          <button type="submit" className="button" disabled={busy}>
            {t("staffAccount.account.changeEmail")}
          </button>
        </Form>
      </section>

      <section aria-labelledby="language-title">
        <h2 id="language-title">{t("staffAccount.account.languageTitle")}</h2>
        <Form method="post" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="language" />
          <SelectField
            name="language"
            label={t("staffAccount.account.language")}
            error={lErr.language}
            defaultValue={account.language ?? (i18n.language.startsWith("zh") ? "zh-HK" : "en")}
            options={STAFF_LANGUAGES.map((l) => ({ value: l, label: t(`staffAccount.languages.${l}`) }))}
          />
          <button type="submit" className="button" disabled={busy}>
            {t("staffAccount.account.saveLanguage")}
          </button>
        </Form>
      </section>
    </div>
  );
}
