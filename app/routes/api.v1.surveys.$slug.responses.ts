import type { ActionFunctionArgs } from "@remix-run/node";
import { requireApiKey } from "~/models/staff/api-keys.server";
import { RESPONSE_BODY_LIMIT, submitResponse } from "~/models/surveys/api.server";
import { apiJson, methodNotAllowed, readJsonBody } from "~/utils/api.server";

/** POST /api/v1/surveys/:slug/responses: one response → 201 { id }. No CSRF: the API key is the credential. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const auth = await requireApiKey(request, context.db);
  const body = await readJsonBody(request, RESPONSE_BODY_LIMIT);
  const result = await submitResponse(context.db, auth, params.slug ?? "", body);
  return apiJson(result.body, result.status);
}

export function loader() {
  return methodNotAllowed("POST");
}
