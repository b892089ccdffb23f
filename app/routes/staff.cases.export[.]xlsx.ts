import type { LoaderFunctionArgs } from "@remix-run/node";
import { caseExportResponse } from "~/models/cases/export.server";

/** The case list's filters as an Excel download (streamed; contacts masked; audited). */
export const loader = ({ request, context }: LoaderFunctionArgs) =>
  caseExportResponse(request, context, "xlsx");
