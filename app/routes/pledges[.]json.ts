import type { LoaderFunctionArgs } from "@remix-run/node";
import { OPEN_DATA_HEADERS, openDataJson, publicPledgeView } from "~/models/pledges/public.server";

/** Open data: every department's published pledges and results (shape: OpenData). */
export async function loader({ context }: LoaderFunctionArgs) {
  const view = await publicPledgeView(context.db, { now: new Date() });
  return Response.json(openDataJson(view!), {
    headers: { ...OPEN_DATA_HEADERS, "Content-Type": "application/json; charset=utf-8" },
  });
}
