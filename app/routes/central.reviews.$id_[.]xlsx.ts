import type { LoaderFunctionArgs } from "@remix-run/node";
import { getRound, REVIEW_CENTRAL_ROLES } from "~/models/reviews/rounds.server";
import { buildReviewTable } from "~/models/reviews/table.server";
import { reviewWorkbook } from "~/models/reviews/xlsx.server";
import { denyAccess, requireUser } from "~/models/staff/auth.server";
import { tFor } from "~/utils/meta";

/**
 * A review round's table as an Excel workbook (reviews/xlsx.server.ts): figures, pledges,
 * departments, notes, targets met, labels in both languages. The central bureau only (central
 * reviewers, system administrators); an unknown round is a 404.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, REVIEW_CENTRAL_ROLES);
  // The file name gives the path "reviews/:id_.xlsx": React Router names the parameter "id_".
  const raw = params.id_ ?? params.id;
  const round = await getRound(context.db, Number(raw));
  // As the page: a 404 and an audit event.
  if (!round) throw await denyAccess(context, user, "missing", { type: "review_round", id: raw ?? "" });
  const table = await buildReviewTable(context.db, round.id);
  const body = await reviewWorkbook(table, { en: tFor("en"), zh: tFor("zh-HK") });
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="review-${round.id}-${round.period_from}-${round.period_to}.xlsx"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
