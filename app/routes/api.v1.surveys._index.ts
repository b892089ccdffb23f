import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiKey } from "~/models/staff/api-keys.server";
import { listApiSurveys } from "~/models/surveys/api.server";
import { apiJson, methodNotAllowed } from "~/utils/api.server";

/** GET /api/v1/surveys: the key's department's published and closed surveys, for its systems to render. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const auth = await requireApiKey(request, context.db);
  return apiJson({ surveys: await listApiSurveys(context.db, auth.departmentId) });
}

export function action() {
  return methodNotAllowed("GET");
}
