/**
 * Remix's request handler matched every request against all ~65 routes several times over
 * (server matching, the static handler, React Router's render, the lazy-discovery manifest), and
 * @remix-run/router flattens, ranks and compiles every route's pattern on each of those calls:
 * about a seventh of a page's CPU time (shared/performance.md lesson 7). A route whose path
 * starts with a fixed segment other than the request's first segment can never match it, nor
 * match any of its parent paths that Remix also matches ("/" and the path's prefixes). So each
 * request is handed to a handler built over the subset of routes that can match its first
 * segment: the same matches, the same errors, the same manifest for the browser, ranked the same
 * way, with a handful of routes instead of all of them (ADR 0017).
 *
 * A request whose first segment is not plain (percent-encoded or unusual characters, which the
 * router decodes before matching) and Remix's own `/__manifest` (route discovery needs every
 * route) go to the handler over the whole build.
 */
import { createRequestHandler, type ServerBuild } from "@remix-run/node";

type Handler = ReturnType<typeof createRequestHandler>;

const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]*$/;

/** The fixed first segment of a route's full path, lower-cased; null when it may match anything. */
function fixedFirstSegment(fullPath: string): string | null {
  const first = fullPath.split("/").find((s) => s !== "") ?? "";
  if (first === "" || /[:*?]/.test(first)) return null;
  return first.toLowerCase();
}

function fullPathOf(build: ServerBuild, id: string): string {
  const parts: string[] = [];
  for (
    let route = build.routes[id];
    route;
    route = route.parentId ? build.routes[route.parentId] : undefined
  ) {
    if (route.path) parts.unshift(route.path);
  }
  return parts.join("/");
}

/** The build with only the given routes (and their parents) in both route tables. */
function subsetBuild(build: ServerBuild, keep: (id: string) => boolean): ServerBuild {
  const ids = new Set<string>();
  for (const id of Object.keys(build.routes)) {
    if (!keep(id)) continue;
    for (let r = build.routes[id]; r && !ids.has(r.id); r = r.parentId ? build.routes[r.parentId] : undefined)
      ids.add(r.id);
  }
  const pick = <T>(table: Record<string, T>) =>
    Object.fromEntries(Object.entries(table).filter(([id]) => ids.has(id))) as Record<string, T>;
  return {
    ...build,
    routes: pick(build.routes),
    assets: { ...build.assets, routes: pick(build.assets.routes) },
  };
}

export function createRouteSubsetHandler(build: ServerBuild, mode?: string): Handler {
  const whole = createRequestHandler(build, mode);
  const firstSegments = new Map<string, string | null>();
  for (const id of Object.keys(build.routes)) firstSegments.set(id, fixedFirstSegment(fullPathOf(build, id)));
  const literals = new Set([...firstSegments.values()].filter((s): s is string => s !== null));
  const bySegment = new Map<string, Handler>();
  // The requests whose first segment no route names (and "/"): only the routes that match anything.
  const other = createRequestHandler(
    subsetBuild(build, (id) => firstSegments.get(id) === null),
    mode,
  );
  for (const literal of literals) {
    const keep = (id: string) => {
      const s = firstSegments.get(id);
      return s === null || s === literal;
    };
    bySegment.set(literal, createRequestHandler(subsetBuild(build, keep), mode));
  }
  const manifestPath = `${build.basename ?? "/"}/__manifest`.replace(/\/+/g, "/");
  return (request, loadContext) => {
    const { pathname } = new URL(request.url);
    if (build.basename || pathname === manifestPath || !pathname.startsWith("/"))
      return whole(request, loadContext);
    const end = pathname.indexOf("/", 1);
    const first = pathname.slice(1, end === -1 ? undefined : end);
    if (!PLAIN_SEGMENT.test(first) || (first === "" && pathname !== "/")) return whole(request, loadContext);
    const handler = bySegment.get(first.toLowerCase()) ?? other;
    return handler(request, loadContext);
  };
}
