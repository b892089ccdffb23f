import { afterAll, beforeAll, describe, it } from "vitest";
import {
  type Cluster,
  expectNoBusy,
  redisScenario,
  startCluster,
  webKillScenario,
  workerKillScenario,
} from "./harness";

/**
 * The same faults on SQLite: one web process and one worker on one file, under the same load.
 * Two processes write the file side by side: no SQLITE_BUSY reaches a user (no 5xx at all) or a
 * log.
 */
describe("one web process and one worker on one SQLite file", () => {
  let c: Cluster;

  beforeAll(async () => {
    c = await startCluster({ kind: "sqlite", webs: 1, workers: 1 });
  });
  afterAll(async () => {
    await c?.close();
  });

  it("SIGKILL of the web process mid-load: every acknowledged submission stored once", async () => {
    await webKillScenario(c, []);
    expectNoBusy(c);
  });

  it("SIGKILL of the worker during the monthly fan-out, under load: each report and e-mail once", async () => {
    await workerKillScenario(c, []);
    expectNoBusy(c);
  });

  it("Redis restarted with its data, then emptied: nothing acknowledged lost", async () => {
    await redisScenario(c, []);
    expectNoBusy(c);
  });
});
