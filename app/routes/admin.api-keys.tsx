import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CsrfInput, ErrorSummary, TextField } from "~/components/forms";
import { TableRegion } from "~/components/table-region";
import { createApiKey, getApiKey, listApiKeys, revokeApiKey } from "~/models/staff/api-keys.server";
import { denyAccess, requireUser } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";
import { formats } from "~/utils/formats";
import { parseForm } from "~/utils/forms";
import { notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

const ADMINS = ["department_admin"] as const;
const NAME_MAX = 100;

const CreateApiKeySchema = z.object({
  intent: z.literal("create"),
  name: z
    .string({ error: "validation.required" })
    .trim()
    .min(1, { error: "validation.required" })
    .max(NAME_MAX, { error: "validation.tooLong" }),
});

const RevokeApiKeySchema = z.object({
  intent: z.literal("revoke"),
  keyId: z.coerce.number().int().positive(),
});

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "api.title");

/** A department administrator; API keys belong to a department, so the role must have one. */
async function requireDepartmentAdmin(request: Request, context: LoaderFunctionArgs["context"]) {
  const user = await requireUser(request, context, ADMINS);
  if (user.departmentId == null) throw notFound();
  return { user, departmentId: user.departmentId };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, departmentId } = await requireDepartmentAdmin(request, context);
  const url = new URL(request.url);
  return {
    keys: await listApiKeys(context.db, departmentId),
    department: { en: user.departmentNameEn ?? "", zh: user.departmentNameZh ?? "" },
    revoked: url.searchParams.get("revoked") === "1",
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const { user, departmentId } = await requireDepartmentAdmin(request, context);
  const actor = { id: user.id, departmentId };
  if (form.get("intent") === "revoke") {
    const parsed = parseForm(RevokeApiKeySchema, form);
    if (!parsed.ok) throw notFound();
    const key = await getApiKey(context.db, departmentId, parsed.data.keyId);
    if (!key) throw await denyAccess(context, user, "department", { type: "api_key", id: parsed.data.keyId });
    await revokeApiKey(context.db, actor, key.id);
    return redirect("/admin/api-keys?revoked=1");
  }
  const parsed = parseForm(CreateApiKeySchema, form);
  if (!parsed.ok) return json({ errors: parsed.errors, values: parsed.values, created: null }, 400);
  const created = await createApiKey(context.db, actor, parsed.data.name);
  // The whole key is in this one answer only: never cached, never stored.
  return json(
    { errors: {}, values: {}, created: { name: parsed.data.name, prefix: created.prefix, key: created.key } },
    { status: 201, headers: { "Cache-Control": "no-store" } },
  );
}

export default function ApiKeys() {
  const { t, i18n } = useTranslation();
  const { keys, department, revoked } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const created = actionData?.created ?? null;
  const values: Record<string, string> = actionData?.values ?? {};
  const f = formats(i18n.language);
  const when = (iso: string | null) => (iso ? f.at(iso) : t("api.never"));
  return (
    <div className="container">
      <h1>{t("api.title")}</h1>
      <p>{t("api.intro", { department: i18n.language.startsWith("zh") ? department.zh : department.en })}</p>
      {created ? (
        <section className="notice success" role="status" aria-labelledby="new-key-title">
          <h2 id="new-key-title">{t("api.createdTitle", { name: created.name })}</h2>
          <p>
            <strong>{t("api.createdWarning")}</strong>
          </p>
          <div className="field">
            <label htmlFor="new-api-key">{t("api.keyLabel")}</label>
            <input
              id="new-api-key"
              type="text"
              readOnly
              value={created.key}
              spellCheck={false}
              autoComplete="off"
              onFocus={(e) => e.currentTarget.select()}
            />
          </div>
        </section>
      ) : null}
      {revoked ? (
        <p className="notice success" role="status">
          {t("api.revoked")}
        </p>
      ) : null}

      <section aria-labelledby="keys-title">
        <h2 id="keys-title">{t("api.keys")}</h2>
        {keys.length === 0 ? (
          <p>{t("api.noKeys")}</p>
        ) : (
          <TableRegion caption={t("api.keys")} captionHidden>
            <thead>
              <tr>
                <th scope="col">{t("api.colName")}</th>
                <th scope="col">{t("api.colPrefix")}</th>
                <th scope="col">{t("api.colCreated")}</th>
                <th scope="col">{t("api.colLastUsed")}</th>
                <th scope="col">{t("api.colStatus")}</th>
                <th scope="col">{t("api.colAction")}</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>
                    {when(k.created_at)}
                    {k.created_by_username ? (
                      <>
                        <br />
                        {t("api.createdBy", { username: k.created_by_username })}
                      </>
                    ) : null}
                  </td>
                  <td>{when(k.last_used_at)}</td>
                  <td>{k.revoked_at ? t("api.revokedOn", { date: when(k.revoked_at) }) : t("api.active")}</td>
                  <td>
                    {k.revoked_at ? (
                      "—"
                    ) : (
                      <Form method="post" className="inline-form">
                        <CsrfInput />
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="keyId" value={k.id} />
                        <button
                          type="submit"
                          className="button secondary"
                          aria-label={t("api.revokeNamed", { name: k.name })}
                        >
                          {t("api.revoke")}
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </TableRegion>
        )}
      </section>

      <section aria-labelledby="create-title">
        <h2 id="create-title">{t("api.newKey")}</h2>
        <ErrorSummary errors={errors} labels={{ name: t("api.name") }} />
        {/* A new key empties the form (its key changes), so the name is not sent twice by accident. */}
        <Form method="post" noValidate key={created?.prefix ?? "new"}>
          <CsrfInput />
          <input type="hidden" name="intent" value="create" />
          <TextField
            name="name"
            label={t("api.name")}
            hint={t("api.nameHint")}
            required
            autoComplete="off"
            maxLength={NAME_MAX}
            error={errors.name}
            defaultValue={created ? "" : values.name}
          />
          <button type="submit" className="button">
            {t("api.create")}
          </button>
        </Form>
      </section>

      <section aria-labelledby="use-title">
        <h2 id="use-title">{t("api.howToUse")}</h2>
        <p>{t("api.howToUseAuth")}</p>
        <ul>
          <li>
            <code>GET /api/v1/surveys</code> {t("api.endpointList")}
          </li>
          <li>
            <code>POST /api/v1/surveys/&lt;code&gt;/responses</code> {t("api.endpointOne")}
          </li>
          <li>
            <code>POST /api/v1/responses/batch</code> {t("api.endpointBatch")}
          </li>
        </ul>
      </section>
    </div>
  );
}
