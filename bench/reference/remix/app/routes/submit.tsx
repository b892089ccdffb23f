import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { insertRow } from "../db.server";

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  insertRow(String(form.get("value") ?? ""));
  return redirect("/", 303);
}
