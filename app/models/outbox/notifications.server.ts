import type { Db } from "../../../db/client";
import { nowIso } from "../calendar/time";

/** What a manager must hear about: important feedback and overdue cases of their department. */
export async function listNotifications(db: Db, user: { id: number; departmentId: number }, limit = 20) {
  const rows = await db
    .selectFrom("notifications as n")
    .leftJoin("notification_reads as r", (j) =>
      j.onRef("r.notification_id", "=", "n.id").on("r.user_id", "=", user.id),
    )
    .leftJoin("feedback_entries as f", (j) =>
      j.onRef("f.id", "=", "n.entity_id").on("n.entity_type", "=", "feedback"),
    )
    // An overdue appeal (entity type 'appeal', see flagOverdueAppeals) names and links to its case.
    .leftJoin("appeals as a", (j) => j.onRef("a.id", "=", "n.entity_id").on("n.entity_type", "=", "appeal"))
    .leftJoin("cases as c", (j) =>
      j.on((eb) =>
        eb.or([
          eb.and([eb("n.entity_type", "=", "case"), eb("c.id", "=", eb.ref("n.entity_id"))]),
          eb.and([eb("n.entity_type", "=", "appeal"), eb("c.id", "=", eb.ref("a.case_id"))]),
        ]),
      ),
    )
    .select([
      "n.id",
      "n.kind",
      "n.entity_type",
      "n.entity_id",
      "n.created_at",
      "r.read_at",
      "f.summary as feedback_summary",
      "f.kind as feedback_kind",
      "c.reference as case_reference",
      "c.id as case_id",
    ])
    .where("n.department_id", "=", user.departmentId)
    .orderBy("n.id", "desc")
    .limit(limit)
    .execute();
  return rows;
}

export async function markNotificationsRead(
  db: Db,
  user: { id: number; departmentId: number },
  ids: number[],
) {
  if (ids.length === 0) return;
  const own = await db
    .selectFrom("notifications")
    .select("id")
    .where("department_id", "=", user.departmentId)
    .where("id", "in", ids)
    .execute();
  const at = nowIso();
  for (const n of own) {
    await db
      .insertInto("notification_reads")
      .values({ notification_id: n.id, user_id: user.id, read_at: at })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}
