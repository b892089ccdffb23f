import { expect } from "vitest";
import { action as signInAction } from "~/routes/staff.sign-in";
import { DEMO_PASSWORD } from "../../db/seed-data";
import type { TestContext } from "./context";
import { cookieFrom, postForm, settle } from "./requests";

/** Signs a demo account in through the real sign-in action and returns its session cookie. */
export async function signInAs(c: TestContext, username: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await settle(() =>
    signInAction({
      request: postForm(
        "/staff/sign-in",
        { username, password, redirectTo: "/staff" },
        { csrfToken: c.csrfToken },
      ),
      context: c.context,
      params: {},
    }),
  );
  expect(res.status).toBe(302);
  return cookieFrom(res, "pledge_session");
}
