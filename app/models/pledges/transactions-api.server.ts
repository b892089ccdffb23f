import type { Db } from "../../../db/client";
import type { ApiProblem, ApiResult } from "../../utils/api.server";
import { recordAudit } from "../audit/audit.server";
import { nowIso } from "../calendar/time";
import { departmentClosureDates } from "../cases/deadlines.server";
import type { ApiKeyAuth } from "../staff/api-keys.server";
import { ApiTransactionSchema, ApiTransactionsSchema, EARLIEST, type TransactionInput } from "./schema";
import {
  checkTransaction,
  MAX_SPAN_DAYS,
  type TransactionField,
  type TransactionProblem,
  transactionKey,
} from "./transaction-checks";
import { applyPlan, isUniqueViolation, planTransactions } from "./transactions.server";

/*
 * POST /api/v1/transactions: a department's system sends its service transactions as JSON. Every
 * problem is answered in English with a code and the field at fault (an API has no language).
 */

/** Transactions in one API request, at most. */
export const API_MAX_TRANSACTIONS = 5000;
/** The API body limit: 5,000 transactions with long refs fit easily. */
export const TRANSACTIONS_BODY_LIMIT = 2 * 1024 * 1024;

const API_FIELD: Record<TransactionField, string> = {
  transactionType: "type",
  externalRef: "ref",
  receivedAt: "receivedAt",
  completedAt: "completedAt",
};

function apiProblem(field: TransactionField, problem: TransactionProblem): ApiProblem {
  const f = API_FIELD[field];
  const message: Record<TransactionProblem, string> = {
    type: '"type" must be 2 to 40 capital letters, digits or hyphens, such as "ID-CARD".',
    ref: '"ref" must be 1 to 100 characters without line breaks: your system\'s reference for the transaction.',
    date: `"${f}" must be an ISO 8601 date and time with its time zone, such as "2026-09-22T09:30:00+08:00".`,
    tooEarly: `"${f}" must not be before ${EARLIEST}.`,
    future: `"${f}" must not be in the future.`,
    beforeReceived: '"completedAt" must not be before "receivedAt".',
    span: `"completedAt" must be within ${MAX_SPAN_DAYS} days of "receivedAt".`,
  };
  const code: Record<TransactionProblem, string> = {
    type: "invalid_type",
    ref: "invalid_ref",
    date: "invalid_date",
    tooEarly: "out_of_range",
    future: "in_future",
    beforeReceived: "completed_before_received",
    span: "out_of_range",
  };
  return { code: code[problem], field: f, message: message[problem] };
}

function fail(status: number, problem: ApiProblem, extra: Record<string, unknown> = {}): ApiResult {
  return { status, body: { error: problem, ...extra } };
}

/**
 * POST /api/v1/transactions: up to 5,000 transactions of the key's department, checked whole
 * (422 listing every bad index: nothing is stored) and stored in one transaction. A ref stored with
 * the same values is counted unchanged; an open one given its completion is updated. Audited.
 */
export async function submitTransactions(
  db: Db,
  auth: ApiKeyAuth,
  body: unknown,
  now: Date = new Date(),
): Promise<ApiResult> {
  const parsed = ApiTransactionsSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.code === "unrecognized_keys" ? issue.keys[0] : "transactions";
    return fail(400, {
      code: issue?.code === "unrecognized_keys" ? "unknown_field" : "invalid_body",
      field,
      message:
        issue?.code === "unrecognized_keys"
          ? `"${field}" is not a field of this request.`
          : 'The body must be a JSON object with "transactions": an array of 1 to 5,000 transactions.',
    });
  }
  const raw = parsed.data.transactions;
  if (raw.length === 0) {
    return fail(400, {
      code: "invalid_body",
      field: "transactions",
      message: '"transactions" must hold 1 to 5,000 transactions.',
    });
  }
  if (raw.length > API_MAX_TRANSACTIONS) {
    return fail(413, {
      code: "batch_too_large",
      field: "transactions",
      message: `A request holds at most ${API_MAX_TRANSACTIONS} transactions; this one has ${raw.length}.`,
    });
  }
  const nowMs = now.getTime();
  const items: TransactionInput[] = [];
  const indexes: number[] = [];
  const errors: ({ index: number } & ApiProblem)[] = [];
  const seen = new Map<string, number>();
  for (const [index, value] of raw.entries()) {
    const item = ApiTransactionSchema.safeParse(value);
    if (!item.success) {
      const issue = item.error.issues[0]!;
      const field = issue.code === "unrecognized_keys" ? issue.keys[0]! : String(issue.path[0] ?? "");
      errors.push({
        index,
        code: issue.code === "unrecognized_keys" ? "unknown_field" : "invalid_item",
        field,
        message:
          issue.code === "unrecognized_keys"
            ? `"${field}" is not a field of a transaction.`
            : field
              ? `"${field}" must be a string${field === "completedAt" ? " or null" : ""}.`
              : 'A transaction must be an object with "type", "ref", "receivedAt" and optionally "completedAt".',
      });
      continue;
    }
    const checked = checkTransaction(
      {
        transactionType: item.data.type,
        externalRef: item.data.ref,
        receivedAt: item.data.receivedAt,
        completedAt: item.data.completedAt ?? null,
      },
      nowMs,
      false,
    );
    if (!checked.ok) {
      errors.push({ index, ...apiProblem(checked.field, checked.problem) });
      continue;
    }
    const key = transactionKey(checked.item.transactionType, checked.item.externalRef);
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({
        index,
        code: "duplicate_ref",
        field: "ref",
        message: `"ref" is sent twice for type "${checked.item.transactionType}" in this request (first at index ${first}).`,
      });
      continue;
    }
    seen.set(key, index);
    items.push(checked.item);
    indexes.push(index);
  }
  const closures = await departmentClosureDates(db, auth.departmentId);
  const refused = () =>
    fail(
      422,
      {
        code: "invalid_transactions",
        message: `${errors.length} of ${raw.length} transactions are not valid, so none was stored. Each is listed in "errors".`,
      },
      { errors: errors.sort((a, b) => a.index - b.index) },
    );
  if (errors.length) {
    // Still say which good-looking items clash with stored ones: one answer lists every problem.
    const plan = await planTransactions(db, auth.departmentId, items);
    plan.forEach((o, i) => {
      if (o === "conflict") errors.push({ index: indexes[i]!, ...conflictProblem() });
    });
    return refused();
  }
  try {
    const result = await db.transaction().execute(async (trx) => {
      const plan = await planTransactions(trx, auth.departmentId, items);
      plan.forEach((o, i) => {
        if (o === "conflict") errors.push({ index: indexes[i]!, ...conflictProblem() });
      });
      if (errors.length) return null;
      const counts = await applyPlan(trx, auth.departmentId, items, plan, closures, nowIso(now));
      if (counts.stored || counts.updated) {
        await recordAudit(trx, {
          action: "transaction.create",
          departmentId: auth.departmentId,
          entityType: "api_key",
          entityId: auth.keyId,
          detail: { ...counts },
        });
      }
      return counts;
    });
    if (!result) return refused();
    return { status: 201, body: result };
  } catch (e) {
    if (isUniqueViolation(e)) {
      return fail(409, {
        code: "concurrent_write",
        message: "Another request stored some of these transactions at the same moment. Send this one again.",
      });
    }
    throw e;
  }
}

function conflictProblem(): ApiProblem {
  return {
    code: "ref_conflict",
    field: "ref",
    message:
      'This "ref" is already stored with another "receivedAt" or "completedAt". A stored transaction can be completed, not changed.',
  };
}
