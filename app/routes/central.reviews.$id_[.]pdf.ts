import type { LoaderFunctionArgs } from "@remix-run/node";
import { PdfFontMissingError } from "~/models/reports/pdf-fonts.server";
import { reviewPdf } from "~/models/reviews/pdf.server";
import { getRound, REVIEW_CENTRAL_ROLES } from "~/models/reviews/rounds.server";
import { buildReviewTable } from "~/models/reviews/table.server";
import { denyAccess, requireUser } from "~/models/staff/auth.server";
import { getLocale } from "~/utils/i18n.server";
import { tFor } from "~/utils/meta";

/**
 * A review round's table as a bilingual PDF laid out like the paper's tables
 * (reviews/pdf.server.ts). The central bureau only; an unknown round is a 404; without the CJK
 * font the server answers 503 with a page saying which package to install.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, REVIEW_CENTRAL_ROLES);
  // The file name gives the path "reviews/:id_.pdf": React Router names the parameter "id_".
  const raw = params.id_ ?? params.id;
  const round = await getRound(context.db, Number(raw));
  // As the page: a 404 and an audit event.
  if (!round) throw await denyAccess(context, user, "missing", { type: "review_round", id: raw ?? "" });
  const lang = (await getLocale(request)).startsWith("zh") ? "zh-HK" : "en";
  const t = tFor(lang);
  const table = await buildReviewTable(context.db, round.id);

  let body: Buffer;
  try {
    body = await reviewPdf(table, { en: tFor("en"), zh: tFor("zh-HK") }, lang);
  } catch (e) {
    if (!(e instanceof PdfFontMissingError)) throw e;
    // The server lacks the CJK font (fonts-noto-cjk): say so plainly rather than fail with a 500.
    return new Response(
      `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${t("reports.pdf.fontMissingTitle")}</title></head>` +
        `<body><h1>${t("reports.pdf.fontMissingTitle")}</h1><p>${t("reports.pdf.fontMissing")}</p>` +
        `<p><a href="/central/reviews/${round.id}">${t("reviewTable.pdf.back")}</a></p></body></html>`,
      {
        status: 503,
        headers: {
          "Content-Type": "text/html; charset=utf-8",
          "Cache-Control": "private, no-store",
          "X-Content-Type-Options": "nosniff",
        },
      },
    );
  }
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="review-${round.id}-${round.period_from}-${round.period_to}.pdf"`,
      "Content-Length": String(body.length),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
