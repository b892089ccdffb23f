import { z } from "zod";

/** Safe to import in the browser: used by react-hook-form and re-parsed in actions. */

export const DEPARTMENT_ROLES = ["counter_staff", "case_officer", "manager", "department_admin"] as const;
export const GOVERNMENT_ROLES = ["central_reviewer", "system_admin"] as const;
export const ALL_ROLES = [...DEPARTMENT_ROLES, ...GOVERNMENT_ROLES] as const;
export type Role = (typeof ALL_ROLES)[number];

// Messages are translation keys; the page shows them in the reader's language.
/** Every staff password: set by an administrator, at a reset or by `npm run admin:create`. */
export const STAFF_PASSWORD_MIN = 8;
const password = z
  .string({ error: "validation.required" })
  .min(STAFF_PASSWORD_MIN, { error: "validation.passwordTooShort" })
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

/** The longest e-mail address SMTP carries (RFC 5321). */
export const STAFF_EMAIL_MAX = 254;

/** Roles the worker e-mails (digests, escalations, reminders): their accounts need an address. */
export const ROLES_NEEDING_EMAIL: readonly Role[] = ["manager", "case_officer"];

export function emailRequiredFor(role: string | undefined): boolean {
  return (ROLES_NEEDING_EMAIL as readonly string[]).includes(role ?? "");
}

/** A work e-mail address, "" when left empty (then required or not by role, below). */
const email = z.preprocess(
  (v) => (typeof v === "string" ? v.trim() : ""),
  z
    .string()
    .max(STAFF_EMAIL_MAX, { error: "validation.tooLong" })
    .pipe(z.union([z.literal(""), z.email({ error: "validation.email" })], { error: "validation.email" })),
);

/** Managers and case officers must have an address: without one they never get their mail. */
function requireEmailByRole(v: { role: string; email: string }, ctx: z.RefinementCtx) {
  if (v.email === "" && emailRequiredFor(v.role))
    ctx.addIssue({ code: "custom", path: ["email"], message: "validation.emailRequired" });
}

export const NewStaffSchema = z
  .object({
    username,
    displayName,
    email,
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
  })
  .superRefine(requireEmailByRole);
export type NewStaffInput = z.infer<typeof NewStaffSchema>;

export const EditStaffSchema = z
  .object({
    intent: z.literal("update"),
    displayName,
    email,
    role: z.enum(ALL_ROLES, { error: "validation.role" }),
    isActive: z.enum(["1", "0"], { error: "validation.required" }),
  })
  .superRefine(requireEmailByRole);
export type EditStaffInput = z.infer<typeof EditStaffSchema>;

/** `npm run admin:create`: the first system administrator, from the command line. */
export const FirstAdminSchema = z.object({ username, displayName, email, password });
export type FirstAdminInput = z.infer<typeof FirstAdminSchema>;

export const ResetPasswordSchema = z.object({
  intent: z.literal("reset-password"),
  password,
});

/** A required work address (the forgot-password form, a new own address). */
const requiredEmail = z.preprocess(
  (v) => (typeof v === "string" ? v.trim() : ""),
  z
    .string()
    .min(1, { error: "validation.required" })
    .max(STAFF_EMAIL_MAX, { error: "validation.tooLong" })
    .pipe(z.email({ error: "validation.email" })),
);

const currentPassword = z
  .string({ error: "validation.required" })
  .min(1, { error: "validation.required" })
  .max(256, { error: "validation.tooLong" });

/** "Forgot password": the address the link goes to. */
export const ForgotPasswordSchema = z.object({ email: requiredEmail });
export type ForgotPasswordInput = z.infer<typeof ForgotPasswordSchema>;

/** A new password through a reset or invitation link (the same rules as every staff password). */
export const SetPasswordSchema = z.object({ password });
export type SetPasswordInput = z.infer<typeof SetPasswordSchema>;

/** The own account page's forms. */
export const ChangePasswordSchema = z.object({
  intent: z.literal("password"),
  currentPassword,
  newPassword: password,
});
export type ChangePasswordInput = z.infer<typeof ChangePasswordSchema>;

export const ChangeEmailSchema = z.object({
  intent: z.literal("email"),
  email: requiredEmail,
  /** the current password (named apart from the password form's field on the same page) */
  password: currentPassword,
});
export type ChangeEmailInput = z.infer<typeof ChangeEmailSchema>;

export const STAFF_LANGUAGES = ["en", "zh-HK"] as const;
export const LanguageSchema = z.object({
  intent: z.literal("language"),
  language: z.enum(STAFF_LANGUAGES, { error: "validation.required" }),
});

/** The columns of a department's staff CSV (`language` may be left out). */
export const STAFF_IMPORT_COLUMNS = ["username", "name", "email", "role", "language"] as const;
export const STAFF_IMPORT_OPTIONAL = ["language"] as const;
/** The most rows one staff file may have. */
export const STAFF_IMPORT_MAX_ROWS = 2000;

/** One row of a staff CSV: the same rules as the new-account form (an address for every row). */
export const StaffImportRowSchema = z.object({
  username,
  name: displayName,
  email: requiredEmail,
  role: z.enum(DEPARTMENT_ROLES, { error: "staffAccount.import.errors.role" }),
  language: z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined),
    z.enum(STAFF_LANGUAGES, { error: "staffAccount.import.errors.language" }).optional(),
  ),
});
