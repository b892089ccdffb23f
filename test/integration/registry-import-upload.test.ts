import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importDir } from "~/models/imports/registry-imports.server";
import { unzipImport } from "~/models/imports/unzip.server";
import { action, loader as listLoader } from "~/routes/central.imports._index";
import { loader as importLoader } from "~/routes/central.imports.$id";
import { loader as homeLoader } from "~/routes/staff._index";
import { buildProcessors } from "../../jobs/processors/registry";
import { type RunningWorker, startWorker } from "../../jobs/worker";
import { useTestApp } from "../setup/app";
import { TEST_REDIS_URL } from "../setup/context";
import { DB_KINDS } from "../setup/db";
import { REGISTRY_FILES, writeRegistryFolder } from "../setup/registry-folder";
import { getRequest, settle } from "../setup/requests";
import { signInAs } from "../setup/session";
import { makeZip } from "../setup/zip";

const csvText = (name: keyof typeof REGISTRY_FILES) => `${REGISTRY_FILES[name].join("\n")}\n`;
const goodZip = () =>
  makeZip(
    (Object.keys(REGISTRY_FILES) as (keyof typeof REGISTRY_FILES)[]).map((name) => ({
      name: `government/${name}`,
      data: csvText(name),
    })),
  );

describe.each(DB_KINDS)("registry import through /central/imports and the worker [%s]", (kind) => {
  const app = useTestApp(kind, { dataDir: true });
  let worker: RunningWorker | undefined;
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });

  const upload = (cookie: string, files: { name: string; data: Buffer | string }[], csrf?: string | null) => {
    const form = new FormData();
    if (csrf !== null) form.set("csrf", csrf ?? app.csrfToken);
    for (const f of files)
      form.append("files", new Blob([typeof f.data === "string" ? f.data : new Uint8Array(f.data)]), f.name);
    const request = new Request("http://localhost/central/imports", {
      method: "POST",
      headers: { Cookie: `pledge_csrf=${app.csrfToken}; ${cookie}`, Origin: "http://localhost" },
      body: form,
    });
    return settle(() => action({ request, context: app.context, params: {} }));
  };
  const runWorker = async () => {
    worker = await startWorker({
      redisUrl: TEST_REDIS_URL,
      redisPrefix: app.c.prefix,
      log: () => undefined,
      processors: buildProcessors({ db: app.db, env: app.context.env, mailer: null }),
    });
  };
  // Polls often (every 2 ms) so that a status said before the work behind it is finished is seen.
  const waitFor = async (id: number, statuses: string[], atDone?: () => Promise<void>) => {
    for (let i = 0; i < 15_000; i++) {
      const row = await app.db
        .selectFrom("registry_imports")
        .selectAll()
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      if (statuses.includes(row.status)) {
        if (row.status === "done") await atDone?.();
        return row;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`import ${id} never reached ${statuses.join("/")}`);
  };
  const idOf = (res: Response) => {
    expect(res.status).toBe(302);
    const m = /^\/central\/imports\/(\d+)$/.exec(res.headers.get("location") ?? "");
    expect(m).not.toBeNull();
    return Number(m![1]);
  };
  const page = async (cookie: string, id: number, lang = "en") =>
    importLoader({
      request: getRequest(`/central/imports/${id}`, { cookie: `${cookie}; pledge_lng=${lang}` }),
      context: app.context,
      params: { id: String(id) },
    });

  it("a zip uploaded by a system administrator is loaded by the worker's job", async () => {
    const sys = await signInAs(app.c, "sysadmin");
    const home = (await homeLoader({
      request: getRequest("/staff", { cookie: sys }),
      context: app.context,
      params: {},
    })) as unknown;
    expect(JSON.stringify(home)).toContain("system_admin");
    const id = idOf(await upload(sys, [{ name: "government.zip", data: goodZip() }]));
    const row = await app.db
      .selectFrom("registry_imports")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("queued");
    expect(JSON.parse(row.files)).toEqual(["upload.zip"]);
    expect(fs.existsSync(path.join(importDir(app.dataDir, id), "upload.zip"))).toBe(true);
    // The page says so while it waits, and refreshes itself.
    expect((await page(sys, id)).view).toMatchObject({ status: "queued", running: true });

    await runWorker();
    // When the page says "done", the public results of the imported pledges are there already.
    const done = await waitFor(id, ["done", "refused", "failed"], async () => {
      const results = await app.db
        .selectFrom("pledge_results")
        .innerJoin("pledges", "pledges.id", "pledge_results.pledge_id")
        .select("pledges.code")
        .where("pledges.code", "=", "TSTB-LIC")
        .execute();
      expect(results.length).toBeGreaterThan(0);
    });
    expect(done.errors).toBeNull();
    expect(done.status).toBe("done");
    expect(Number(done.rows_stored)).toBe(2 + 3 + 4 + 4 + 3 + 2);
    const pledges = await app.db.selectFrom("pledges").select("code").where("code", "like", "TST%").execute();
    expect(pledges.map((p) => p.code).sort()).toEqual(["TSTB-LIC", "TSTB-NEW", "TSTD-ENQ", "TSTD-WATER"]);
    const { view } = await page(sys, id);
    expect(view).toMatchObject({ status: "done", running: false, rowsStored: 18, errors: [] });
    // The uploads are not kept once loaded (removed just after "done", so a retried job still
    // finds them).
    await expect.poll(() => fs.existsSync(importDir(app.dataDir, id)), { timeout: 5000 }).toBe(false);
    const list = await listLoader({
      request: getRequest("/central/imports", { cookie: sys }),
      context: app.context,
      params: {},
    });
    expect(list.imports.map((i) => i.id)).toContain(id);
  });

  it("CSV files with a bad row are refused by the job; the page lists the errors in the reader's language", async () => {
    const sys = await signInAs(app.c, "sysadmin");
    const before = await app.db
      .selectFrom("pledges")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    const id = idOf(
      await upload(sys, [
        { name: "departments.csv", data: csvText("departments.csv") },
        { name: "services.csv", data: csvText("services.csv") },
        {
          name: "pledges.csv",
          data: csvText("pledges.csv").replace(",0.95,4,value_max", ",95,4,value_max"),
        },
      ]),
    );
    await runWorker();
    const row = await waitFor(id, ["done", "refused", "failed"]);
    expect(row.status).toBe("refused");
    const en = (await page(sys, id)).view;
    expect(en.errors[0]).toMatchObject({ file: "pledges.csv", line: 4, column: "target_share" });
    expect(en.errors[0]!.message).toMatch(/0 to 1/);
    const zh = (await page(sys, id, "zh-HK")).view;
    expect(zh.errors[0]!.message).toMatch(/\p{Script=Han}/u);
    const after = await app.db
      .selectFrom("pledges")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("a zip with an entry that climbs out of its folder is refused, nothing written outside", async () => {
    const sys = await signInAs(app.c, "sysadmin");
    const id = idOf(
      await upload(sys, [
        {
          name: "evil.zip",
          data: makeZip([
            { name: "departments.csv", data: csvText("departments.csv") },
            { name: "../../departments.csv", data: "code,name_en,name_zh,type\n" },
          ]),
        },
      ]),
    );
    await runWorker();
    const row = await waitFor(id, ["done", "refused", "failed"]);
    expect(row.status).toBe("refused");
    expect((await page(sys, id)).view.errors[0]!.message).toMatch(/leaves its folder/);
    expect(fs.existsSync(path.join(app.dataDir, "departments.csv"))).toBe(false);
    expect(fs.existsSync(path.join(app.dataDir, "imports", "departments.csv"))).toBe(false);
  });

  it("refuses an upload without the CSRF token, and anyone but a system administrator", async () => {
    const sys = await signInAs(app.c, "sysadmin");
    const res = await upload(sys, [{ name: "government.zip", data: goodZip() }], null);
    expect(res.status).toBe(403);
    const admin = await signInAs(app.c, "admin.immd");
    const denied = await upload(admin, [{ name: "government.zip", data: goodZip() }]);
    expect(denied.status).toBe(404);
    const rows = await app.db.selectFrom("registry_imports").selectAll().execute();
    expect(rows).toEqual([]);
    // No upload left behind.
    const root = path.join(app.dataDir, "imports");
    expect(fs.existsSync(root) ? fs.readdirSync(root) : []).toEqual([]);
  });
});

describe("unzipping an import", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "unzip-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("stops a zip bomb by the bytes it inflates to", async () => {
    const zip = path.join(dir, "bomb.zip");
    // 64 MB of zeros compress to about 64 KB; the limit here is 8 MB in all.
    fs.writeFileSync(zip, makeZip([{ name: "transactions.csv", data: Buffer.alloc(64 * 1024 * 1024) }]));
    expect(fs.statSync(zip).size).toBeLessThan(1024 * 1024);
    const r = await unzipImport(zip, path.join(dir, "out"), { maxTotal: 8 * 1024 * 1024 });
    expect(r).toMatchObject({ ok: false, problem: { key: "zipBomb" } });
  });

  it("unpacks the import's files from a folder inside the zip and skips others", async () => {
    writeRegistryFolder(path.join(dir, "src"));
    const zip = path.join(dir, "gov.zip");
    fs.writeFileSync(
      zip,
      makeZip([
        { name: "gov/departments.csv", data: fs.readFileSync(path.join(dir, "src", "departments.csv")) },
        { name: "gov/notes.txt", data: "ignored" },
      ]),
    );
    const r = await unzipImport(zip, path.join(dir, "out"));
    expect(r).toEqual({ ok: true, files: ["departments.csv"] });
    expect(fs.readdirSync(path.join(dir, "out"))).toEqual(["departments.csv"]);
  });
});
