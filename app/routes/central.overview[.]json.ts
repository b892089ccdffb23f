import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { governmentOverview, lastCompleteMonth, parseOverviewEnd } from "~/models/pledges/overview.server";
import { requireUser } from "~/models/staff/auth.server";
import { getLocale } from "~/utils/i18n.server";
import { tFor } from "~/utils/meta";

/**
 * The overview's figures as JSON, with their counts and denominators and the window's months:
 * `{ end, months, years: [{ from, to, withResult, met, share }], mean, departments, pledges,
 * shares: { external, internal, efficiency, quality, changed, strengthened, newService, retired:
 * { count, total, share } }, resultsComputedAt, definitions }`. Central reviewers and system
 * administrators only; a bad `?end=` is a 400 with `{ error }` in the reader's language.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, ["central_reviewer", "system_admin"]);
  const now = new Date();
  const end = parseOverviewEnd(new URL(request.url).searchParams.get("end"), now);
  const headers = { "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff" };
  if (end === null) {
    const t = tFor(await getLocale(request));
    return json(
      { error: t("storedResults.overview.badEnd", { month: lastCompleteMonth(now) }) },
      { status: 400, headers },
    );
  }
  return json(await governmentOverview(context.db, end), { headers });
}
