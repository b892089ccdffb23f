import type { Db } from "../../../db/client";
import { type FieldErrors, formValues, parseForm } from "../../utils/forms";
import { createService, setServiceActive, updateService } from "./departments.server";
import { EditServiceSchema, NewServiceSchema, ServiceActiveSchema } from "./schema";

/** Which form on the page an answer is about: the new service's, or one service's. */
export type ServiceFormKey = "newService" | `service-${number}`;

export type ServiceActionResult =
  | { status: "saved"; notice: "serviceCreated" | "serviceSaved" | "deactivated" | "reactivated" }
  | { status: "invalid"; form: ServiceFormKey; errors: FieldErrors; values: Record<string, string> }
  | { status: "missing"; serviceId: number }
  | { status: "unknown-intent" };

/**
 * The service forms of /central/departments/<code> and /admin/services, on one department: add,
 * edit or (de)activate. A service of another department is "missing" (the route answers 404 and
 * audits it); a bad input is "invalid" with the messages' keys, and nothing is written.
 */
export async function serviceAction(
  db: Db,
  actor: { id: number },
  departmentId: number,
  intent: string,
  form: FormData,
): Promise<ServiceActionResult> {
  if (intent === "create-service") {
    const parsed = parseForm(NewServiceSchema, form);
    if (!parsed.ok)
      return { status: "invalid", form: "newService", errors: parsed.errors, values: parsed.values };
    const r = await createService(db, actor, departmentId, parsed.data);
    if (!r.ok)
      return {
        status: "invalid",
        form: "newService",
        errors: { [r.field]: r.error },
        values: formValues(form),
      };
    return { status: "saved", notice: "serviceCreated" };
  }
  if (intent === "edit-service") {
    const id = Number(form.get("serviceId"));
    const parsed = parseForm(EditServiceSchema, form);
    if (!parsed.ok) {
      if (!Number.isSafeInteger(id) || id <= 0) return { status: "unknown-intent" };
      return { status: "invalid", form: `service-${id}`, errors: parsed.errors, values: parsed.values };
    }
    const ok = await updateService(db, actor, departmentId, parsed.data);
    return ok
      ? { status: "saved", notice: "serviceSaved" }
      : { status: "missing", serviceId: parsed.data.serviceId };
  }
  if (intent === "service-active") {
    const parsed = parseForm(ServiceActiveSchema, form);
    if (!parsed.ok) return { status: "unknown-intent" };
    const ok = await setServiceActive(db, actor, departmentId, parsed.data.serviceId, parsed.data.active);
    if (!ok) return { status: "missing", serviceId: parsed.data.serviceId };
    return { status: "saved", notice: parsed.data.active ? "reactivated" : "deactivated" };
  }
  return { status: "unknown-intent" };
}
