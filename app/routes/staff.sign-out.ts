import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { signOut } from "~/models/staff/auth.server";
import { readForm } from "~/utils/body.server";
import { assertCsrf } from "~/utils/csrf.server";

export async function loader() {
  return redirect("/");
}

/** Ends the session on the server (revocable sessions) and clears the cookie. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  assertCsrf(request, context, form);
  const clear = await signOut(request, context);
  return redirect("/?signedOut=1", { headers: { "Set-Cookie": clear } });
}
