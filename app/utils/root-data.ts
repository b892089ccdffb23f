import { useRouteLoaderData } from "@remix-run/react";

/** The signed-in staff member as every page's header shows them (no secrets, no ids). */
export interface RootUser {
  displayName: string;
  /** A staff role (`Role` in `~/models/staff/schema`); a plain string here, since utils know no model. */
  role: string;
  departmentCode: string | null;
  departmentName: string | null;
  canManageStaff: boolean;
}

/**
 * What the root loader (`app/root.tsx`) returns: the root checks its loader against this type
 * (`satisfies RootData`), so this util need not import the root route.
 */
export interface RootData {
  locale: string;
  csrfToken: string;
  user: RootUser | null;
}

/** The root loader's data (locale, CSRF token, signed-in user), from any component. */
export function useRootData(): RootData | undefined {
  return useRouteLoaderData<RootData>("root");
}
