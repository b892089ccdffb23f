/**
 * The bare Remix 2 reference of `npm run bench`: one page with a loader, one action that parses a
 * form, inserts one row with better-sqlite3 and redirects 303. Built with the repo's @remix-run/dev
 * (`npx remix build` in this folder), served by @remix-run/express + express as the product is.
 */
/** @type {import('@remix-run/dev').AppConfig} */
export default {
  serverModuleFormat: "esm",
  serverPlatform: "node",
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: false,
  },
};
