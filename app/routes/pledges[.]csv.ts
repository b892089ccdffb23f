import type { LoaderFunctionArgs } from "@remix-run/node";
import { OPEN_DATA_HEADERS, openDataCsv, publicPledgeView } from "~/models/pledges/public.server";

/** Open data: every department's published pledges and results, one row per pledge and period. */
export async function loader({ context }: LoaderFunctionArgs) {
  const view = await publicPledgeView(context.db, { now: new Date() });
  return new Response(openDataCsv(view!), {
    headers: {
      ...OPEN_DATA_HEADERS,
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'inline; filename="pledges.csv"',
    },
  });
}
