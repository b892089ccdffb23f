import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { insertBenchRow } from "~/models/bench.server";
import { readForm } from "~/utils/body.server";
import { notFound } from "~/utils/http.server";

/** A bare Remix action (parse the form, insert one row, 303) for the benchmark; 404 unless PLEDGE_BENCH=1. */
export async function action({ request, context }: ActionFunctionArgs) {
  if (process.env.PLEDGE_BENCH !== "1") throw notFound();
  const form = await readForm(request);
  await insertBenchRow(context.db, String(form.get("value") ?? ""));
  return redirect("/", 303);
}

export async function loader() {
  throw notFound();
}
