import type { LoaderFunctionArgs } from "@remix-run/node";
import { feedbackExportResponse } from "~/models/feedback/export.server";

/** The feedback log's filters as a download (streamed; audited). */
export const loader = ({ request, context }: LoaderFunctionArgs) =>
  feedbackExportResponse(request, context, "csv");
