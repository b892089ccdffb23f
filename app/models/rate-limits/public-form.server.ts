import type { AppLoadContext } from "@remix-run/node";
import { limiterKey } from "./limiter.server";

/** A filled-in hidden field: a bot. It gets the normal thank-you and nothing is stored. */
export function isHoneypotFilled(form: FormData): boolean {
  const v = form.get("website");
  return typeof v === "string" && v.trim() !== "";
}

/**
 * Public survey submissions: limited per address and per collection point. While Redis is down
 * the limiter counts in memory, so the form keeps accepting responses.
 */
export async function allowSurveySubmission(context: AppLoadContext, pointKey: string): Promise<boolean> {
  const { surveyAddress, surveyPoint } = context.limiters;
  const [byAddress, byPoint] = await Promise.all([
    surveyAddress.consume(limiterKey(context, "survey-address", context.clientAddress)),
    surveyPoint.consume(`point:${pointKey}`),
  ]);
  return byAddress && byPoint;
}
