import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Migrator } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { migrations } from "../../db/migrations";

describe("migration 20261207T0100: an existing database keeps its case-closure survey", () => {
  let dir = "";
  let db: Db | undefined;
  afterEach(async () => {
    await db?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("chooses each department's `<code>case` survey, and none where there is none", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pledge-mig-"));
    db = createDb(path.join(dir, "old.sqlite"));
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const before = await migrator.migrateTo("20261206T1500-departments-admin");
    expect(before.error).toBeUndefined();
    const at = "2026-01-01T00:00:00.000Z";
    const dept = async (code: string) =>
      (
        await db!
          .insertInto("departments")
          .values({ code, name_en: code, name_zh: code, created_at: at } as never)
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    const survey = (departmentId: number, slug: string) =>
      db!
        .insertInto("surveys")
        .values({
          department_id: departmentId,
          service_id: null,
          slug,
          status: "published",
          current_version_id: null,
          created_by: null,
          created_at: at,
          updated_at: at,
          published_at: at,
          closed_at: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
    const abc = await dept("ABC");
    const xyz = await dept("XYZ");
    const abcCase = await survey(abc, "abccase");
    await survey(abc, "abccsat");
    await survey(xyz, "xyzcsat");

    await migrateToLatest(db);
    const settings = await db
      .selectFrom("department_settings")
      .select(["department_id", "closure_survey_id"])
      .execute();
    expect(settings).toEqual([{ department_id: abc, closure_survey_id: abcCase.id }]);
    // Existing accounts have no language yet, and there are no links.
    expect(await db.selectFrom("staff_tokens").selectAll().execute()).toEqual([]);
  });
});
