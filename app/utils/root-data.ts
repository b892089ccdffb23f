import { useRouteLoaderData } from "@remix-run/react";
import type { loader } from "~/root";

export type RootData = Awaited<ReturnType<typeof loader>>;

/** The root loader's data (locale, CSRF token, signed-in user), from any component. */
export function useRootData(): RootData | undefined {
  return useRouteLoaderData<typeof loader>("root");
}
