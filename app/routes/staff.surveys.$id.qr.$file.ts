import type { LoaderFunctionArgs } from "@remix-run/node";
import QRCode from "qrcode";
import { requireUser } from "~/models/staff/auth.server";
import { requireSurvey } from "~/models/surveys/access.server";
import { getCollectionPoint } from "~/models/surveys/lookup.server";
import { expectedOrigin } from "~/utils/csrf.server";
import { notFound } from "~/utils/http.server";

/** A collection point's QR code, as PNG or SVG, for staff of the department to print. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const survey = await requireSurvey(context, user, params.id);
  const m = /^([a-z0-9]{4,16})\.(png|svg)$/.exec(params.file ?? "");
  if (!m) throw notFound();
  const [, code, format] = m as unknown as [string, string, "png" | "svg"];
  const point = await getCollectionPoint(context.db, survey.id, code);
  if (!point) throw notFound();
  const url = `${expectedOrigin(request, context)}/s/${survey.slug}?p=${point.code}${point.channel === "kiosk" ? "&kiosk=1" : ""}`;
  const filename = `qr-${survey.slug}-${point.code}.${format}`;
  const headers = {
    "Content-Disposition": `attachment; filename="${filename}"`,
    "Cache-Control": "private, max-age=300",
  };
  if (format === "svg") {
    const svg = await QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
    return new Response(svg, { headers: { ...headers, "Content-Type": "image/svg+xml; charset=utf-8" } });
  }
  const png = await QRCode.toBuffer(url, { type: "png", errorCorrectionLevel: "M", margin: 2, width: 600 });
  return new Response(new Uint8Array(png), { headers: { ...headers, "Content-Type": "image/png" } });
}
