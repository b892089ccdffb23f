import type { LoaderFunctionArgs } from "@remix-run/node";
import { OPEN_DATA_HEADERS, openDataCsv, publicPledgeView } from "~/models/pledges/public.server";
import { notFound } from "~/utils/http.server";

/** Open data: one department's published pledges and results as CSV, at /pledges/<code>.csv. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const view = await publicPledgeView(context.db, { department: params.dept ?? "", now: new Date() });
  if (!view) throw notFound();
  const code = view.departments[0]!.code;
  return new Response(openDataCsv(view), {
    headers: {
      ...OPEN_DATA_HEADERS,
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `inline; filename="pledges-${code}.csv"`,
    },
  });
}
