import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importGovernment } from "~/models/imports/import.server";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { writeRegistryFolder } from "../setup/registry-folder";

const TABLES = [
  "departments",
  "services",
  "pledges",
  "pledge_versions",
  "surveys",
  "survey_versions",
  "survey_questions",
  "survey_responses",
  "survey_answers",
  "service_transactions",
  "quality_readings",
  "audit_events",
] as const;

describe.each(DB_KINDS)("registry import of a folder [%s]", (kind) => {
  const app = useTestApp(kind);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const counts = async () => {
    const out: Record<string, number> = {};
    for (const t of TABLES) {
      const r = await app.db
        .selectFrom(t)
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      out[t] = Number(r.n);
    }
    return out;
  };
  /** A checksum of every row of the tables the import writes (audit excluded: it is append-only). */
  const checksum = async () => {
    const h = crypto.createHash("sha256");
    for (const t of TABLES) {
      if (t === "audit_events") continue;
      const rows = await app.db.selectFrom(t).selectAll().execute();
      const lines = rows.map((r) => JSON.stringify(r)).sort();
      h.update(`${t}\n${lines.join("\n")}\n`);
    }
    return h.digest("hex");
  };
  const pledge = (code: string) =>
    app.db.selectFrom("pledges").selectAll().where("code", "=", code).executeTakeFirstOrThrow();
  const versions = async (code: string) =>
    app.db
      .selectFrom("pledge_versions")
      .selectAll()
      .where("pledge_id", "=", (await pledge(code)).id)
      .orderBy("version_no")
      .execute();

  it("loads departments, services, the registry with its history and the activity", async () => {
    writeRegistryFolder(dir);
    const r = await importGovernment(app.db, dir);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.unchanged).toBe(false);
    expect(r.changedPledgeIds).toHaveLength(4);
    expect(r.counts).toMatchObject({
      departments: 2,
      services: 3,
      pledges: 4,
      transactions: 4,
      survey_responses: 3,
      readings: 2,
    });

    const d = await app.db
      .selectFrom("departments")
      .selectAll()
      .where("code", "=", "TSTB")
      .executeTakeFirstOrThrow();
    expect(d).toMatchObject({ name_en: "Test Bureau", name_zh: "測試局", kind: "bureau" });

    const lic = await pledge("TSTB-LIC");
    expect(lic.status).toBe("published");
    const [v] = await versions("TSTB-LIC");
    expect(v).toMatchObject({
      target_share: 95 - 5,
      timeliness_source: "transactions",
      transaction_type: "TSTB-LIC",
      days: 5,
      day_unit: "working",
      change_reason: "initial",
      effective_from: "2024-01-01",
      min_sample: 1,
      customer: "external",
      category: "efficiency",
    });

    const enq = await versions("TSTD-ENQ");
    expect(enq.map((x) => [x.change_reason, x.target_share, x.effective_from, x.effective_to])).toEqual([
      ["initial", 70, "2024-01-01", "2025-01-01"],
      ["strengthened", 80, "2025-01-01", null],
    ]);
    expect(enq[1]!.survey_id).toBe(enq[0]!.survey_id);
    const survey = await app.db
      .selectFrom("surveys")
      .selectAll()
      .where("id", "=", enq[1]!.survey_id!)
      .executeTakeFirstOrThrow();
    expect(survey.listed).toBe(0);

    const water = await pledge("TSTD-WATER");
    expect(water.status).toBe("retired");
    expect(water.retired_at).toBe("2025-05-31T16:00:00.000Z");
    expect((await versions("TSTD-WATER"))[0]).toMatchObject({
      comparator: "lte",
      threshold: 4,
      measure_unit: "NTU",
    });
    expect((await versions("TSTB-NEW"))[0]).toMatchObject({
      change_reason: "new_service",
      effective_from: "2025-03-01",
      day_unit: "calendar",
    });

    const tx = await app.db
      .selectFrom("service_transactions")
      .selectAll()
      .where("transaction_type", "=", "TSTB-LIC")
      .orderBy("received_at")
      .orderBy("id")
      .execute();
    expect(tx.map((t) => [t.working_days, t.month, t.department_id])).toEqual([
      [2, "2025-02", d.id],
      [2, "2025-02", d.id],
      [9, "2025-02", d.id],
    ]);
    expect(new Set(tx.map((t) => t.external_ref)).size).toBe(3);

    const answers = await app.db
      .selectFrom("survey_answers")
      .select(["value_number", "month", "question_key"])
      .where("survey_id", "=", survey.id)
      .orderBy("value_number")
      .execute();
    expect(answers).toEqual([
      { value_number: 2, month: "2025-02", question_key: enq[1]!.question_key },
      { value_number: 4, month: "2025-02", question_key: enq[1]!.question_key },
      { value_number: 5, month: "2025-02", question_key: enq[1]!.question_key },
    ]);
    const readings = await app.db
      .selectFrom("quality_readings")
      .select(["taken_on", "month", "value"])
      .where("pledge_id", "=", water.id)
      .orderBy("taken_on")
      .execute();
    expect(readings).toEqual([
      { taken_on: "2025-01-15", month: "2025-01", value: 3.2 },
      { taken_on: "2025-02-15", month: "2025-02", value: 4.5 },
    ]);
  });

  it("loading the same folder twice changes no row", async () => {
    writeRegistryFolder(dir);
    const first = await importGovernment(app.db, dir);
    expect(first.ok).toBe(true);
    const before = { counts: await counts(), sum: await checksum() };
    const second = await importGovernment(app.db, dir);
    if (!second.ok) throw new Error(JSON.stringify(second.errors));
    expect(second.unchanged).toBe(true);
    expect(second.changedPledgeIds).toEqual([]);
    expect({ counts: await counts(), sum: await checksum() }).toEqual(before);
  });

  it("a changed pledge row adds a version with the change, effective from the import's date", async () => {
    writeRegistryFolder(dir);
    expect((await importGovernment(app.db, dir)).ok).toBe(true);
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "registry-"));
    try {
      writeRegistryFolder(other, {
        edit: {
          "pledges.csv": (lines) =>
            lines.map((l) => (l.startsWith("TSTB-LIC,") ? l.replace(",0.9,5,", ",0.95,4,") : l)),
        },
      });
      const now = new Date("2026-03-10T02:00:00Z");
      const r = await importGovernment(app.db, other, { now });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      const lic = await pledge("TSTB-LIC");
      expect(r.changedPledgeIds).toEqual([lic.id]);
      const vs = await versions("TSTB-LIC");
      expect(
        vs.map((x) => [
          x.version_no,
          x.change_reason,
          x.target_share,
          x.days,
          x.effective_from,
          x.effective_to,
        ]),
      ).toEqual([
        [1, "initial", 90, 5, "2024-01-01", "2026-03-10"],
        [2, "strengthened", 95, 4, "2026-03-10", null],
      ]);
      expect(lic.current_version_id).toBe(vs[1]!.id);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it("a pledge loaded earlier may be named by the activity files alone", async () => {
    writeRegistryFolder(dir);
    expect((await importGovernment(app.db, dir)).ok).toBe(true);
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "registry-"));
    try {
      writeRegistryFolder(other, {
        omit: ["departments.csv", "services.csv", "pledges.csv", "survey_responses.csv", "readings.csv"],
        edit: {
          "transactions.csv": (l) => [l[0]!, "TSTB-LIC,2025-04-01T09:00:00+08:00,2025-04-02T09:00:00+08:00"],
        },
      });
      const r = await importGovernment(app.db, other);
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      expect(r.counts.transactions).toBe(1);
      expect(r.changedPledgeIds).toEqual([(await pledge("TSTB-LIC")).id]);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  // ---- Bad input: each refuses the whole load, names file, line and column, stores nothing ----

  type Edit = Parameters<typeof writeRegistryFolder>[1];
  const refused = async (
    edit: Edit,
    expected: { file: string; line: number | null; column: string | null; en: RegExp },
    prepare?: () => void,
  ) => {
    writeRegistryFolder(dir, edit);
    prepare?.();
    const before = await counts();
    const r = await importGovernment(app.db, dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ file: expected.file, line: expected.line, column: expected.column });
    expect(r.errors[0]!.message).toMatch(expected.en);
    expect(await counts()).toEqual(before);
    const zh = await importGovernment(app.db, dir, { locale: "zh-HK" });
    expect(zh.ok).toBe(false);
    if (!zh.ok) expect(zh.errors[0]!.message).toMatch(/\p{Script=Han}/u);
    expect(await counts()).toEqual(before);
    return r.errors;
  };

  it("refuses a file in another encoding (Big5), naming the line", async () => {
    await refused({}, { file: "services.csv", line: 3, column: null, en: /UTF-8/ }, () => {
      const big5 = Buffer.from([0xac, 0x64, 0xb8, 0xdf]); // 查詢 in Big5
      fs.writeFileSync(
        path.join(dir, "services.csv"),
        Buffer.concat([
          Buffer.from(
            "department_code,service_code,name_en,name_zh\nTSTB,LICENCE,Licences,x\nTSTD,ENQUIRY,Enquiries,",
          ),
          big5,
          Buffer.from("\nTSTD,WATER,Water quality,y\n"),
        ]),
      );
    });
  });

  it("refuses a file in UTF-16", async () => {
    await refused({}, { file: "departments.csv", line: 1, column: null, en: /UTF-8/ }, () => {
      const text =
        "code,name_en,name_zh,type\nTSTB,Test Bureau,測試局,bureau\nTSTD,Test Department,測試署,department\n";
      fs.writeFileSync(
        path.join(dir, "departments.csv"),
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
      );
    });
  });

  it("refuses a missing column", async () => {
    await refused(
      { edit: { "survey_responses.csv": (l) => l.map((x) => x.replace(/,[^,]*$/, "")) } },
      { file: "survey_responses.csv", line: 1, column: "score", en: /score/ },
    );
  });

  it("refuses a duplicate department code", async () => {
    await refused(
      { edit: { "departments.csv": (l) => [...l, "TSTB,Again,再次,bureau,"] } },
      { file: "departments.csv", line: 4, column: "code", en: /TSTB.*line 2/ },
    );
  });

  it("refuses a duplicate service code within a department", async () => {
    await refused(
      { edit: { "services.csv": (l) => [...l, "TSTD,WATER,Water again,水"] } },
      { file: "services.csv", line: 5, column: "service_code", en: /WATER/ },
    );
  });

  it("refuses a duplicate pledge_id", async () => {
    await refused(
      { edit: { "pledges.csv": (l) => [...l, l[1]!] } },
      { file: "pledges.csv", line: 6, column: "pledge_id", en: /TSTB-LIC/ },
    );
  });

  it("refuses a pledge of an unknown department", async () => {
    await refused(
      { edit: { "pledges.csv": (l) => l.map((x) => x.replace("TSTB-NEW,TSTB,", "TSTB-NEW,NOPE,")) } },
      { file: "pledges.csv", line: 5, column: "department_code", en: /NOPE/ },
    );
  });

  it("refuses a pledge of an unknown service", async () => {
    await refused(
      {
        edit: {
          "pledges.csv": (l) =>
            l.map((x) =>
              x.replace(
                'TSTB,LICENCE,external,efficiency,timeliness,"Lic',
                'TSTB,NOSUCH,external,efficiency,timeliness,"Lic',
              ),
            ),
        },
      },
      { file: "pledges.csv", line: 2, column: "service_code", en: /NOSUCH/ },
    );
  });

  it("refuses a date without an offset", async () => {
    await refused(
      {
        edit: { "transactions.csv": (l) => [...l, "TSTB-LIC,2025-02-03T09:00:00,2025-02-05T17:00:00+08:00"] },
      },
      { file: "transactions.csv", line: 6, column: "received_at", en: /offset/ },
    );
  });

  it("refuses a target_share of 95", async () => {
    await refused(
      { edit: { "pledges.csv": (l) => l.map((x) => x.replace(",0.95,4,value_max", ",95,4,value_max")) } },
      { file: "pledges.csv", line: 4, column: "target_share", en: /0.*1/ },
    );
  });

  it("refuses a completion before receipt", async () => {
    await refused(
      {
        edit: {
          "transactions.csv": (l) => [...l, "TSTB-LIC,2025-02-05T09:00:00+08:00,2025-02-04T17:00:00+08:00"],
        },
      },
      { file: "transactions.csv", line: 6, column: "completed_at", en: /before/ },
    );
  });

  it("refuses a 2 GB file by its size before reading it", async () => {
    await refused({}, { file: "readings.csv", line: null, column: null, en: /1 GiB/ }, () => {
      fs.truncateSync(path.join(dir, "readings.csv"), 2 * 1024 ** 3);
    });
  });

  it("refuses a score outside 1–5", async () => {
    await refused(
      { edit: { "survey_responses.csv": (l) => [...l, "TSTD-ENQ,2025-02-01T10:00:00+08:00,6"] } },
      { file: "survey_responses.csv", line: 5, column: "score", en: /1.*5/ },
    );
  });

  it("refuses an unknown pledge_id in an activity file", async () => {
    await refused(
      { edit: { "readings.csv": (l) => [...l, "NO-SUCH-PLEDGE,2025-02-15T10:00:00+08:00,1"] } },
      { file: "readings.csv", line: 4, column: "pledge_id", en: /NO-SUCH-PLEDGE/ },
    );
  });

  it("refuses transactions for a stored pledge measured by complaint cases", async () => {
    await refused(
      {
        edit: {
          "transactions.csv": (l) => [
            ...l,
            "GPA-PROPERTY-COMPLAINTS,2025-02-03T09:00:00+08:00,2025-02-04T09:00:00+08:00",
          ],
        },
      },
      { file: "transactions.csv", line: 6, column: "pledge_id", en: /GPA-PROPERTY-COMPLAINTS.*cases/ },
    );
  });

  it("refuses when a bad row comes last in the last file: nothing of the good files is stored", async () => {
    const errors = await refused(
      { edit: { "readings.csv": (l) => [...l, "TSTD-WATER,2025-02-15T10:00:00+08:00,abc"] } },
      { file: "readings.csv", line: 4, column: "value", en: /number/ },
    );
    expect(errors).toHaveLength(1);
  });
});
