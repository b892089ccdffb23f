import type { z } from "zod";

/** Field name → translation key of its first error. */
export type FieldErrors = Record<string, string>;

export type Parsed<T> =
  | { ok: true; data: T }
  | { ok: false; errors: FieldErrors; values: Record<string, string> };

/** Parses a submitted form with the same zod schema the browser used; no hand-written type checks. */
export function parseForm<S extends z.ZodType>(schema: S, form: FormData): Parsed<z.infer<S>> {
  const values = formValues(form);
  const raw: Record<string, unknown> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string") raw[k] = v;
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    if (!errors[field])
      errors[field] = /^[a-z]+\.[\w.-]+$/i.test(issue.message) ? issue.message : "validation.invalid";
  }
  return { ok: false, errors, values };
}

/** What the person typed, to show again after an error: never passwords or the CSRF token. */
export function formValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of form.entries()) {
    if (typeof v === "string" && k !== "csrf" && !/password/i.test(k)) values[k] = v;
  }
  return values;
}
