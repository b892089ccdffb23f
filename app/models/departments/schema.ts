import { z } from "zod";

/** Safe to import in the browser: the forms of /central/departments and /admin/services. */

export const DEPARTMENT_KINDS = ["bureau", "department"] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

// Messages are translation keys; the page shows them in the reader's language.
const E = {
  code: "departmentsAdmin.errors.code",
  nameEn: "departmentsAdmin.errors.nameEn",
  nameZh: "departmentsAdmin.errors.nameZh",
  kind: "departmentsAdmin.errors.kind",
} as const;

/** 2 to 20 letters and digits, stored in upper case (IMMD, WSD, DH2). */
const departmentCode = z
  .string({ error: E.code })
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9]{1,19}$/, { error: E.code })
  .transform((v) => v.toUpperCase());

/** Letters, digits and single hyphens, 2 to 40, stored in upper case (PASSPORT, ID-CARD). */
const serviceCode = z
  .string({ error: E.code })
  .trim()
  .regex(/^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/, { error: E.code })
  .min(2, { error: E.code })
  .max(40, { error: E.code })
  .transform((v) => v.toUpperCase());

const nameEn = z
  .string({ error: E.nameEn })
  .trim()
  .min(1, { error: E.nameEn })
  .max(200, { error: "validation.tooLong" });

/** The Chinese name must be there and be Chinese: one CJK character at least. */
const nameZh = z
  .string({ error: E.nameZh })
  .trim()
  .min(1, { error: E.nameZh })
  .max(200, { error: "validation.tooLong" })
  .regex(/\p{Script=Han}/u, { error: E.nameZh });

const kind = z.enum(DEPARTMENT_KINDS, { error: E.kind });

/** A checkbox: sent as "on" (or "1", "true") when ticked, absent when not. */
const checkbox = z.preprocess((v) => v === "on" || v === "1" || v === "true", z.boolean());

export const NewDepartmentSchema = z.object({ code: departmentCode, nameEn, nameZh, kind });
export type NewDepartmentInput = z.infer<typeof NewDepartmentSchema>;

/** The code is fixed once created: case references and the public pages' addresses use it. */
export const EditDepartmentSchema = z.object({ nameEn, nameZh, kind });
export type EditDepartmentInput = z.infer<typeof EditDepartmentSchema>;

export const NewServiceSchema = z.object({ code: serviceCode, nameEn, nameZh, isPublic: checkbox });
export type NewServiceInput = z.infer<typeof NewServiceSchema>;

export const EditServiceSchema = z.object({
  serviceId: z.coerce.number().int().positive(),
  nameEn,
  nameZh,
  isPublic: checkbox,
});
export type EditServiceInput = z.infer<typeof EditServiceSchema>;

/** Deactivate (active: false) or reactivate a department or a service. */
export const ActiveSchema = z.object({
  active: z.enum(["0", "1"]).transform((v) => v === "1"),
});
export const ServiceActiveSchema = ActiveSchema.extend({ serviceId: z.coerce.number().int().positive() });
