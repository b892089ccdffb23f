import crypto from "node:crypto";
import type { Db } from "../../../db/client";
import type { ApiKey } from "../../../db/schema";
import { apiError } from "../../utils/api.server";
import { recordAudit } from "../audit/audit.server";
import { nowIso } from "../calendar/time";

/**
 * Per-department API keys for the survey JSON API. The key is shown once, at creation; the
 * database keeps only its sha-256 and its first characters, so a leaked table hands out no key
 * (the same rule as session tokens in sessions.server.ts).
 */

/** Readable, so a key pasted into a ticket or a config file is recognised (and can be scanned for). */
export const API_KEY_PREFIX = "plg_";
const KEY_RE = /^plg_[A-Za-z0-9_-]{43}$/;
const BEARER_RE = /^Bearer[ \t]+(\S+)[ \t]*$/i;
/** How many characters of the key the table keeps to tell keys apart. */
export const SHOWN_PREFIX_LENGTH = 8;
/** last_used_at is written at most this often, so a busy kiosk does not write on every request. */
const LAST_USED_EVERY_MS = 60_000;

export interface ApiKeyActor {
  id: number;
  departmentId: number;
}

export interface ApiKeyAuth {
  keyId: number;
  departmentId: number;
}

export type ApiKeyRow = Omit<ApiKey, "key_hash"> & { created_by_username: string | null };

export function hashApiKey(key: string): string {
  return crypto.createHash("sha256").update(key).digest("hex");
}

/** A new key: `plg_` and 32 random bytes in base64url (256 bits: guessing is hopeless). */
export function generateApiKey(): string {
  return API_KEY_PREFIX + crypto.randomBytes(32).toString("base64url");
}

/** Creates a key for the actor's department. Returns the whole key: the only time it exists. Audited. */
export async function createApiKey(
  db: Db,
  actor: ApiKeyActor,
  name: string,
): Promise<{ id: number; key: string; prefix: string }> {
  const key = generateApiKey();
  const prefix = key.slice(0, SHOWN_PREFIX_LENGTH);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("api_keys")
      .values({
        department_id: actor.departmentId,
        name,
        prefix,
        key_hash: hashApiKey(key),
        created_by: actor.id,
        created_at: nowIso(),
        revoked_at: null,
        last_used_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // The prefix only, never the key: the audit log is read by more people than the key's owner.
    await recordAudit(trx, {
      action: "api-key.create",
      actorUserId: actor.id,
      departmentId: actor.departmentId,
      entityType: "api_key",
      entityId: row.id,
      detail: { prefix },
    });
    return { id: row.id, key, prefix };
  });
}

/** A department's keys, newest first, without their hashes. */
export async function listApiKeys(db: Db, departmentId: number): Promise<ApiKeyRow[]> {
  return db
    .selectFrom("api_keys as k")
    .leftJoin("staff_users as u", "u.id", "k.created_by")
    .select([
      "k.id",
      "k.department_id",
      "k.name",
      "k.prefix",
      "k.created_by",
      "k.created_at",
      "k.revoked_at",
      "k.last_used_at",
      "u.username as created_by_username",
    ])
    .where("k.department_id", "=", departmentId)
    .orderBy("k.id", "desc")
    .execute();
}

/** One key of the department, or undefined (another department's key looks the same as none). */
export async function getApiKey(
  db: Db,
  departmentId: number,
  id: number,
): Promise<Omit<ApiKey, "key_hash"> | undefined> {
  return db
    .selectFrom("api_keys")
    .select([
      "id",
      "department_id",
      "name",
      "prefix",
      "created_by",
      "created_at",
      "revoked_at",
      "last_used_at",
    ])
    .where("id", "=", id)
    .where("department_id", "=", departmentId)
    .executeTakeFirst();
}

/** Revokes a key of the actor's department; false if there was no such active key. Audited. */
export async function revokeApiKey(db: Db, actor: ApiKeyActor, id: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("api_keys")
      .set({ revoked_at: nowIso() })
      .where("id", "=", id)
      .where("department_id", "=", actor.departmentId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await recordAudit(trx, {
      action: "api-key.revoke",
      actorUserId: actor.id,
      departmentId: actor.departmentId,
      entityType: "api_key",
      entityId: id,
    });
    return true;
  });
}

/**
 * The key in an `Authorization: Bearer <key>` header, if it is one of ours and not revoked.
 * Looked up by its hash, so the time taken says nothing about how much of a guess was right.
 */
export async function authenticateApiKey(
  db: Db,
  header: string | null | undefined,
  now: Date = new Date(),
): Promise<ApiKeyAuth | null> {
  const key = header ? BEARER_RE.exec(header)?.[1] : undefined;
  if (!key || !KEY_RE.test(key)) return null;
  const row = await db
    .selectFrom("api_keys")
    .select(["id", "department_id", "revoked_at", "last_used_at"])
    .where("key_hash", "=", hashApiKey(key))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) return null;
  const threshold = nowIso(new Date(now.getTime() - LAST_USED_EVERY_MS));
  if (row.last_used_at === null || row.last_used_at < threshold) {
    // Conditional, so two requests in the same second write once.
    await db
      .updateTable("api_keys")
      .set({ last_used_at: nowIso(now) })
      .where("id", "=", row.id)
      .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", threshold)]))
      .execute();
  }
  return { keyId: row.id, departmentId: row.department_id };
}

/** The department's key from `Authorization: Bearer <key>`, or a thrown 401 (RFC 6750 §3). */
export async function requireApiKey(request: Request, db: Db): Promise<ApiKeyAuth> {
  const header = request.headers.get("authorization");
  if (!header) {
    throw apiError(
      401,
      { code: "missing_api_key", message: "Send your department's API key: Authorization: Bearer <key>." },
      {},
      { "WWW-Authenticate": 'Bearer realm="pledge"' },
    );
  }
  const auth = await authenticateApiKey(db, header);
  if (!auth) {
    throw apiError(
      401,
      { code: "invalid_api_key", message: "The API key is not valid: it is unknown, mistyped or revoked." },
      {},
      { "WWW-Authenticate": 'Bearer realm="pledge", error="invalid_token"' },
    );
  }
  return auth;
}
