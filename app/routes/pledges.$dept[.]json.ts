import type { LoaderFunctionArgs } from "@remix-run/node";
import { OPEN_DATA_HEADERS, openDataJson, publicPledgeView } from "~/models/pledges/public.server";
import { notFound } from "~/utils/http.server";

/**
 * Open data: one department's published pledges and results, at /pledges/<code>.json (any case).
 * The file name keeps this route a sibling of pledges.$dept.tsx, not its child.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const view = await publicPledgeView(context.db, { department: params.dept ?? "", now: new Date() });
  if (!view) throw notFound();
  return Response.json(openDataJson(view), {
    headers: { ...OPEN_DATA_HEADERS, "Content-Type": "application/json; charset=utf-8" },
  });
}
