import type { ActionFunctionArgs } from "@remix-run/node";
import { submitTransactions, TRANSACTIONS_BODY_LIMIT } from "~/models/pledges/transactions-api.server";
import { requireApiKey } from "~/models/staff/api-keys.server";
import { apiJson, methodNotAllowed, readJsonBody } from "~/utils/api.server";

/**
 * POST /api/v1/transactions: up to 5,000 service transactions of the key's department, checked
 * whole (422 lists every bad index; nothing is stored) and stored in one transaction.
 * 201 { stored, updated, unchanged }. No CSRF: the API key is the credential.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const auth = await requireApiKey(request, context.db);
  const body = await readJsonBody(request, TRANSACTIONS_BODY_LIMIT);
  const result = await submitTransactions(context.db, auth, body);
  return apiJson(result.body, result.status);
}

export function loader() {
  return methodNotAllowed("POST");
}
