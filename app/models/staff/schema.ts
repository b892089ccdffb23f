import { z } from "zod";

/** Safe to import in the browser: used by react-hook-form and re-parsed in actions. */

export const DEPARTMENT_ROLES = ["counter_staff", "case_officer", "manager", "department_admin"] as const;
export const GOVERNMENT_ROLES = ["central_reviewer", "system_admin"] as const;
export const ALL_ROLES = [...DEPARTMENT_ROLES, ...GOVERNMENT_ROLES] as const;
export type Role = (typeof ALL_ROLES)[number];

// Messages are translation keys; the page shows them in the reader's language.
const password = z
  .string({ error: "validation.required" })
  .min(8, { error: "validation.passwordTooShort" })
  .max(256, { error: "validation.passwordTooLong" });

const username = z
  .string({ error: "validation.required" })
  .trim()
  .min(3, { error: "validation.usernameFormat" })
  .max(64, { error: "validation.usernameFormat" })
  .regex(/^[a-z0-9][a-z0-9._-]*$/i, { error: "validation.usernameFormat" })
  .transform((v) => v.toLowerCase());

export const SignInSchema = z.object({
  username: z
    .string({ error: "validation.required" })
    .trim()
    .min(1, { error: "validation.required" })
    .max(64, { error: "validation.tooLong" }),
  password: z
    .string({ error: "validation.required" })
    .min(1, { error: "validation.required" })
    .max(256, { error: "validation.tooLong" }),
  redirectTo: z.string().max(512).optional(),
});
export type SignInInput = z.infer<typeof SignInSchema>;

const displayName = z
  .string({ error: "validation.required" })
  .trim()
  .min(1, { error: "validation.required" })
  .max(100, { error: "validation.tooLong" });

export const NewStaffSchema = z.object({
  username,
  displayName,
  role: z.enum(ALL_ROLES, { error: "validation.role" }),
  departmentId: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce
      .number({ error: "validation.department" })
      .int()
      .positive({ error: "validation.department" })
      .optional(),
  ),
  password,
});
export type NewStaffInput = z.infer<typeof NewStaffSchema>;

export const EditStaffSchema = z.object({
  intent: z.literal("update"),
  displayName,
  role: z.enum(ALL_ROLES, { error: "validation.role" }),
  isActive: z.enum(["1", "0"], { error: "validation.required" }),
});
export type EditStaffInput = z.infer<typeof EditStaffSchema>;

export const ResetPasswordSchema = z.object({
  intent: z.literal("reset-password"),
  password,
});
