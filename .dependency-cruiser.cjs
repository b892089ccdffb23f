/**
 * The layer rules of Pledge (issue 11, ADR 0011), checked by `npm run lint` and so by `.ci/run`.
 *
 *   routes (app/routes/*, app/root.tsx) ─▶ components, models, utils, app/i18n.ts, locales
 *   components (app/components/)        ─▶ utils, other components, pure model files (schema.ts …),
 *                                          and `import type` from any model
 *   models (app/models/)                ─▶ db, utils, other models
 *   jobs (jobs/)                        ─▶ models, db, utils
 *   utils (app/utils/)                  ─▶ nothing of the app (app/i18n.ts and locales only)
 *   db (db/)                            ─▶ never routes, components, jobs, server
 *   nothing imports a route (tests may); no cycles; every import resolves.
 *
 * Paths are regular expressions on paths relative to the repository root. Each layer rule lists
 * what a layer MAY reach inside the repository (`pathNot`); anything else in the repository is
 * forbidden. Packages and Node built-ins are not layers and are not restricted here.
 *
 * Type-only imports (`import type …`) are seen because `tsPreCompilationDeps` is on: they count
 * for every rule (and for cycles), except where a rule says `dependencyTypesNot: ["type-only"]`.
 */

/** Anything inside the repository: the layer rules below only judge these. */
const IN_REPO = "^(app|db|jobs|server|scripts|test)/|^server\\.ts$";
/** Translations and their registry: every layer may read them. */
const I18N = "^app/i18n\\.ts$|^app/locales/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-importing-routes",
      comment:
        "A route module (app/routes/*, and app/root.tsx, which is the root route) is a leaf: Remix " +
        "loads it, nothing in the app imports it. Move the shared code to a model, component or util. " +
        "Tests may import routes (to call a loader or action), and so may benchmarks " +
        "(scripts/bench-*.ts), which time a route's loader or action the way a test calls it.",
      severity: "error",
      from: { pathNot: "^test/|^scripts/bench-[a-z-]+\\.ts$" },
      to: { path: "^app/routes/|^app/root\\.tsx$|^app/entry\\.(client|server)\\.tsx$" },
    },
    {
      name: "routes-only-to-components-models-utils",
      comment:
        "A route parses, authenticates, calls a model and renders: it may import components, models, " +
        "utils, app/i18n.ts and the locales (root.tsx also its stylesheet). Not db/ (ask a model), " +
        "not jobs/ or server/ (the worker and the web server are other processes' entry points).",
      severity: "error",
      from: { path: "^app/routes/|^app/root\\.tsx$" },
      to: {
        path: IN_REPO,
        pathNot: `^app/(components|models|utils|styles)/|${I18N}`,
      },
    },
    {
      name: "components-only-to-utils-components-models",
      comment:
        "A component may import utils, other components and model files (value imports only from " +
        "pure files such as app/models/<domain>/schema.ts: see components-no-server-values). Never " +
        "db/, jobs/, server/ or a route.",
      severity: "error",
      from: { path: "^app/components/" },
      to: {
        path: IN_REPO,
        pathNot: `^app/(components|models|utils)/|${I18N}`,
      },
    },
    {
      name: "components-no-server-values",
      comment:
        "Components run in the browser: no value import from a .server module (model or util). " +
        "`import type { X } from '~/models/…server'` is fine: it vanishes at compile time. Put the " +
        "value the browser needs in the domain's schema.ts (or another pure file).",
      severity: "error",
      from: { path: "^app/components/" },
      to: {
        path: "\\.server\\.tsx?$",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "models-only-to-db-utils-models",
      comment:
        "A model holds the SQL and the rules of one concept: it may import db/, utils and other " +
        "models. Never a route, a component, jobs/ (enqueue through app/models/queues) or server/.",
      severity: "error",
      from: { path: "^app/models/" },
      to: {
        path: IN_REPO,
        pathNot: `^app/(models|utils)/|^db/|${I18N}`,
      },
    },
    {
      name: "jobs-only-to-models-db-utils",
      comment:
        "Job definitions and the worker may import models, db/ and utils; never a route, a " +
        "component or server/ (the web process).",
      severity: "error",
      from: { path: "^jobs/" },
      to: {
        path: IN_REPO,
        pathNot: `^jobs/|^app/(models|utils)/|^db/|${I18N}`,
      },
    },
    {
      name: "utils-import-nothing-of-the-app",
      comment:
        "app/utils is generic code: it imports other utils, app/i18n.ts and the locales, and " +
        "nothing else of the repository (no models, routes, components, jobs, server, db - not " +
        "even types: a util that needs a domain type is a model).",
      severity: "error",
      from: { path: "^app/utils/" },
      to: {
        path: IN_REPO,
        pathNot: `^app/utils/|${I18N}`,
      },
    },
    {
      name: "db-not-to-app-shell-jobs-server",
      comment:
        "db/ (client, schema, migrations, seeds) sits under the models: it may use models and utils " +
        "(seeds build demo data through them) but never a route, a component, jobs/ or server/.",
      severity: "error",
      from: { path: "^db/" },
      to: { path: "^app/(routes|components)/|^app/root\\.tsx$|^jobs/|^server/|^server\\.ts$" },
    },
    {
      name: "no-circular",
      comment:
        "This module is part of an import cycle (type-only imports count). Break it: move the " +
        "shared part into a third module both import, or pass a function in.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment: "This import does not resolve to a file or an installed package.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "no-non-package-json",
      comment:
        "This module imports a package that is not in package.json (it works only by accident, " +
        "through another package's dependency). Add it to package.json.",
      severity: "error",
      from: {},
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // node_modules is not followed (doNotFollow), but kept so no-non-package-json sees packages.
    exclude: { path: "^(build|public/build|\\.cache)/" },
    // See `import type` (components may use it for models; it counts for cycles).
    tsPreCompilationDeps: true,
    // `~/` is app/ (tsconfig paths).
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
