import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { getRound, REVIEW_CENTRAL_ROLES } from "~/models/reviews/rounds.server";
import { buildReviewTable } from "~/models/reviews/table.server";
import { denyAccess, requireUser } from "~/models/staff/auth.server";

/** The review's table of a round as JSON: the same ReviewTable the page, XLSX and PDF show. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, REVIEW_CENTRAL_ROLES);
  const round = await getRound(context.db, Number(params.id));
  if (!round) throw await denyAccess(context, user, "missing", { type: "review_round", id: params.id ?? "" });
  return json(await buildReviewTable(context.db, round.id), {
    headers: { "Cache-Control": "private, no-store" },
  });
}
