import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": path.resolve(__dirname, "app") } },
  test: {
    globalSetup: ["test/setup/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The global teardown drops the Postgres template databases (E2E_DATABASE=postgres): a DROP
    // DATABASE waits for a checkpoint, seconds on a busy machine.
    teardownTimeout: 60_000,
    env: { LOG_LEVEL: "error" },
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts", "app/**/*.test.ts"] },
      },
      {
        extends: true,
        test: { name: "integration", include: ["test/integration/**/*.test.ts"] },
      },
      {
        extends: true,
        // One browser at a time: the machine has two cores and the server under test needs one.
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          // After each test: no console error on any page it showed, in English and Chinese.
          setupFiles: ["test/setup/e2e.ts"],
          fileParallelism: false,
          // On Postgres (E2E_DATABASE=postgres) the longest browser walks take about as long as
          // 60 s on a busy two-core machine (closure-days: 51 s alone).
          testTimeout: process.env.E2E_DATABASE === "postgres" ? 120_000 : 60_000,
        },
      },
      {
        extends: true,
        // Several web and worker processes behind a proxy, killed under load (docs/scaling.md).
        // One file at a time, each a whole cluster, and after every other project (groupOrder):
        // a kill timed against a fan-out needs the two cores to itself.
        test: {
          name: "scale",
          sequence: { groupOrder: 1 },
          include: ["test/scale/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
