import fs from "node:fs";
import path from "node:path";
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { recordAudit } from "~/models/audit/audit.server";
import { isStoredName, servedContentType } from "~/models/cases/attachments.server";
import { getCase } from "~/models/cases/handling.server";
import { CASE_HANDLER_ROLES } from "~/models/cases/lifecycle";
import { getAttachment } from "~/models/cases/view.server";
import { denyAccess, requireUser } from "~/models/staff/auth.server";
import { notFound } from "~/utils/http.server";

/** RFC 8187 ext-value: percent-encode everything but attr-chars. */
function encodeFilename(name: string): string {
  return encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * A citizen's attachment, for staff of the case's department only (anyone else: 404, audited).
 * Always a download, never shown inline: the file is the citizen's, not ours (OWASP File Upload
 * Cheat Sheet: Content-Disposition attachment and nosniff).
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context, CASE_HANDLER_ROLES);
  const caseId = Number(params.id);
  const attachmentId = Number(params.attachmentId);
  if (!Number.isInteger(caseId) || caseId <= 0 || !Number.isInteger(attachmentId) || attachmentId <= 0) {
    throw notFound();
  }
  const c = await getCase(context.db, caseId, user.departmentId);
  if (!c) throw await denyAccess(context, user, "department", { type: "case", id: caseId });
  const a = await getAttachment(context.db, c.id, attachmentId);
  if (!a || !isStoredName(a.stored_name)) throw notFound();
  const file = path.join(context.env.DATA_DIR, "attachments", a.stored_name);
  const stat = await fs.promises.stat(file).catch(() => null);
  if (!stat?.isFile()) throw notFound();
  await recordAudit(context.db, {
    action: "case.attachment-download",
    actorUserId: user.id,
    departmentId: c.department_id,
    entityType: "case",
    entityId: c.id,
    detail: { attachmentId: a.id },
  });
  return new Response(createReadableStreamFromReadable(fs.createReadStream(file)), {
    status: 200,
    headers: {
      // Only a type we recognised from the file's bytes; anything else is opaque bytes, never HTML.
      "Content-Type": servedContentType(a.mime),
      "Content-Length": String(stat.size),
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeFilename(a.original_name)}`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
