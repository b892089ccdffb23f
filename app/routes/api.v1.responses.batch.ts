import type { ActionFunctionArgs } from "@remix-run/node";
import { requireApiKey } from "~/models/staff/api-keys.server";
import { BATCH_BODY_LIMIT, submitBatch } from "~/models/surveys/api.server";
import { apiJson, methodNotAllowed, readJsonBody, requireIdempotencyKey } from "~/utils/api.server";

/**
 * POST /api/v1/responses/batch: up to 1,000 responses collected offline, stored all or nothing.
 * 201 the first time, 200 with `replayed: true` when the same Idempotency-Key and body come again.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const auth = await requireApiKey(request, context.db);
  const idempotencyKey = requireIdempotencyKey(request);
  const body = await readJsonBody(request, BATCH_BODY_LIMIT);
  const result = await submitBatch(context.db, auth, idempotencyKey, body);
  return apiJson(result.body, result.status);
}

export function loader() {
  return methodNotAllowed("POST");
}
