import type { Db } from "../../../db/client";
import { hkDate, hkMonth, nowIso } from "../calendar/time";
import { departmentClosureDates } from "../cases/deadlines.server";
import { type TransactionRow, transactionRow } from "../pledges/transactions.server";
import {
  type ActivityFile,
  type ActivityItem,
  type ActivityKind,
  activityKindOf,
  checkActivityRow,
  NaturalKeys,
} from "./activity";
import { IMPORT_QUESTION_KEY } from "./load-registry.server";
import { storedRegistry } from "./registry.server";
import { eachRow, Problems } from "./table.server";

/*
 * The activity files loaded inside the load's transaction: read again as a stream, each row
 * turned into its table's row with its natural key, and stored with multi-row INSERTs that skip
 * the keys already stored (ON CONFLICT DO NOTHING), so a second load inserts nothing.
 */

/** Rows per INSERT: 12 columns × 2,000 = 24,000 bound parameters, under SQLite's 32,766. */
const CHUNK = 2000;

/** What a pledge's activity rows need: its department, its transaction type, its survey question. */
interface Target {
  pledgeId: number;
  departmentId: number;
  kind: ActivityKind;
  transactionType: string | null;
  survey: { id: number; versionId: number; questionId: number; questionKey: string } | null;
}

/** Every stored pledge as an activity target (after the registry files were written). */
export async function activityTargets(trx: Db): Promise<Map<string, Target>> {
  const stored = await storedRegistry(trx);
  const questions = await trx
    .selectFrom("surveys as s")
    .innerJoin("survey_questions as q", "q.version_id", "s.current_version_id")
    .select([
      "s.id as survey_id",
      "s.current_version_id as version_id",
      "q.id as question_id",
      "q.question_key",
    ])
    .where("q.type", "=", "rating5")
    .execute();
  const byKey = new Map(questions.map((q) => [`${q.survey_id}\0${q.question_key}`, q]));
  const out = new Map<string, Target>();
  for (const p of stored.pledges.values()) {
    const v = p.version;
    const q = v.survey_id ? byKey.get(`${v.survey_id}\0${v.question_key ?? IMPORT_QUESTION_KEY}`) : undefined;
    out.set(p.code, {
      pledgeId: p.id,
      departmentId: p.departmentId,
      kind: activityKindOf(v),
      transactionType: v.timeliness_source === "transactions" ? v.transaction_type : null,
      survey: q
        ? {
            id: q.survey_id,
            versionId: q.version_id!,
            questionId: q.question_id,
            questionKey: q.question_key,
          }
        : null,
    });
  }
  return out;
}

type Batch = { rows: ActivityItem[]; keys: string[] };

/**
 * Loads one activity file; returns the rows inserted and the pledges they belong to. A row that
 * fails its check here (the file changed since it was validated) aborts the load.
 */
export async function loadActivityFile(
  db: Db,
  file: ActivityFile,
  filePath: string,
  targets: Map<string, Target>,
  now: Date,
  progress: { onBytes: (n: number) => void; onStored: (n: number) => void },
): Promise<{ stored: number; pledgeIds: Set<number> }> {
  const problems = new Problems();
  const keys = new NaturalKeys();
  const closures = new Map<number, ReadonlySet<string>>();
  const createdAt = nowIso(now);
  const pledgeIds = new Set<number>();
  let stored = 0;
  let batch: Batch = { rows: [], keys: [] };
  const flush = async () => {
    const b = batch;
    batch = { rows: [], keys: [] };
    // Each batch commits on its own: a short write lock (ADR 0014), all of a batch or none of it.
    const n = await db
      .transaction()
      .execute((t) => writeBatch(t, file, b, targets, closures, createdAt, pledgeIds));
    stored += n;
    progress.onStored(n);
  };
  const kindOf = (code: string) => targets.get(code)?.kind;
  const whole = await eachRow(
    file,
    filePath,
    problems,
    (get, line) => {
      const r = checkActivityRow(file, get, line, kindOf);
      if (!r.ok) {
        for (const p of r.problems) problems.add(p);
        return;
      }
      batch.rows.push(r.item);
      batch.keys.push(keys.keyOf(r.item));
      if (batch.rows.length >= CHUNK) return flush();
    },
    progress.onBytes,
  );
  if (!whole || problems.count) throw new Error(`${file} changed while it was loaded`);
  if (batch.rows.length) await flush();
  return { stored, pledgeIds };
}

async function writeBatch(
  trx: Db,
  file: ActivityFile,
  b: Batch,
  targets: Map<string, Target>,
  closures: Map<number, ReadonlySet<string>>,
  createdAt: string,
  pledgeIds: Set<number>,
): Promise<number> {
  if (file === "transactions.csv") {
    const rows: TransactionRow[] = [];
    for (const [i, item] of b.rows.entries()) {
      if (item.file !== file) continue;
      const t = targets.get(item.pledge)!;
      let c = closures.get(t.departmentId);
      if (!c) {
        c = await departmentClosureDates(trx, t.departmentId);
        closures.set(t.departmentId, c);
      }
      rows.push(
        transactionRow(
          t.departmentId,
          {
            transactionType: t.transactionType ?? item.pledge,
            externalRef: b.keys[i]!,
            receivedAt: item.receivedAt,
            completedAt: item.completedAt,
          },
          c,
          createdAt,
        ),
      );
    }
    const pledgeOf = new Map<string, number>();
    for (const item of b.rows) {
      const t = targets.get(item.pledge)!;
      pledgeOf.set(`${t.departmentId}\0${t.transactionType ?? item.pledge}`, t.pledgeId);
    }
    const r = await trx
      .insertInto("service_transactions")
      .values(rows)
      .onConflict((oc) => oc.columns(["department_id", "transaction_type", "external_ref"]).doNothing())
      .returning(["department_id", "transaction_type"])
      .execute();
    for (const row of r) {
      const id = pledgeOf.get(`${row.department_id}\0${row.transaction_type}`);
      if (id !== undefined) pledgeIds.add(id);
    }
    return r.length;
  }
  if (file === "readings.csv") {
    const rows = b.rows.flatMap((item, i) => {
      if (item.file !== file) return [];
      return [
        {
          pledge_id: targets.get(item.pledge)!.pledgeId,
          taken_on: hkDate(item.takenAt),
          month: hkMonth(item.takenAt),
          value: item.value,
          evidence_note: null,
          entered_by: null,
          import_id: null,
          created_at: createdAt,
          import_key: b.keys[i]!,
        },
      ];
    });
    const r = await trx
      .insertInto("quality_readings")
      .values(rows)
      .onConflict((oc) => oc.column("import_key").doNothing())
      .returning("pledge_id")
      .execute();
    for (const row of r) pledgeIds.add(row.pledge_id);
    return r.length;
  }
  const scoreOf = new Map<
    string,
    { item: ActivityItem & { file: "survey_responses.csv" }; target: Target }
  >();
  const rows = b.rows.flatMap((item, i) => {
    if (item.file !== "survey_responses.csv") return [];
    const target = targets.get(item.pledge)!;
    const s = target.survey!;
    scoreOf.set(b.keys[i]!, { item, target });
    return [
      {
        survey_id: s.id,
        version_id: s.versionId,
        department_id: target.departmentId,
        collection_point_id: null,
        channel: "api" as const,
        language: "en" as const,
        submitted_at: item.submittedAt,
        month: hkMonth(item.submittedAt),
        received_at: createdAt,
        entered_by: null,
        batch_id: null,
        import_key: b.keys[i]!,
      },
    ];
  });
  const inserted = await trx
    .insertInto("survey_responses")
    .values(rows)
    .onConflict((oc) => oc.column("import_key").doNothing())
    .returning(["id", "import_key", "month"])
    .execute();
  if (inserted.length) {
    const answers = inserted.map((r) => {
      const { item, target } = scoreOf.get(r.import_key!)!;
      pledgeIds.add(target.pledgeId);
      return {
        response_id: Number(r.id),
        survey_id: target.survey!.id,
        question_id: target.survey!.questionId,
        question_key: target.survey!.questionKey,
        month: r.month,
        channel: "api" as const,
        language: "en" as const,
        collection_point_id: null,
        value_number: item.score,
        option_id: null,
        value_text: null,
        not_applicable: 0,
      };
    });
    await trx.insertInto("survey_answers").values(answers).execute();
  }
  return inserted.length;
}
