import { spreadsheetInstantMs } from "../../utils/dates";
import { CLOCK_SKEW_MS } from "../calendar/time";
import { EARLIEST, TRANSACTION_TYPE_RE, type TransactionInput } from "./schema";

/*
 * The checks of one service transaction, shared by the form, the CSV import and the API: each
 * words a problem its own way (a translation key, a row error, an API problem).
 */

const EARLIEST_MS = Date.parse(`${EARLIEST}T00:00:00+08:00`);
/** Received to completed, at most: beyond this it is a typo, and counting days gets slow. */
export const MAX_SPAN_DAYS = 1096;

/** What is wrong with a transaction's field (the form, the CSV and the API word it their own way). */
export type TransactionProblem = "type" | "ref" | "date" | "tooEarly" | "future" | "beforeReceived" | "span";
export type TransactionField = "transactionType" | "externalRef" | "receivedAt" | "completedAt";

/** 1 to 100 characters, none of them a control character (\p{Cc}: line breaks, tabs, NUL…). */
function validRef(ref: string): boolean {
  if (ref.length === 0 || ref.length > 100) return false;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 32 || (c >= 127 && c <= 159)) return false;
  }
  return true;
}

export type CheckedTransaction =
  | { ok: true; item: TransactionInput }
  | { ok: false; field: TransactionField; problem: TransactionProblem };

/** Checks one transaction's four values; times in the stored form (ISO UTC) when good. */
export function checkTransaction(
  raw: { transactionType: string; externalRef: string; receivedAt: string; completedAt: string | null },
  nowMs: number,
  hkLocal = true,
): CheckedTransaction {
  const transactionType = raw.transactionType.trim();
  if (!TRANSACTION_TYPE_RE.test(transactionType))
    return { ok: false, field: "transactionType", problem: "type" };
  const externalRef = raw.externalRef.trim();
  if (!validRef(externalRef)) return { ok: false, field: "externalRef", problem: "ref" };
  const receivedText = raw.receivedAt.trim();
  const completedText = raw.completedAt?.trim() ?? "";
  const received = spreadsheetInstantMs(receivedText, hkLocal);
  if (Number.isNaN(received)) return { ok: false, field: "receivedAt", problem: "date" };
  if (received < EARLIEST_MS) return { ok: false, field: "receivedAt", problem: "tooEarly" };
  if (received > nowMs + CLOCK_SKEW_MS) return { ok: false, field: "receivedAt", problem: "future" };
  let completedAt: string | null = null;
  if (completedText) {
    const completed = spreadsheetInstantMs(completedText, hkLocal);
    if (Number.isNaN(completed)) return { ok: false, field: "completedAt", problem: "date" };
    if (completed > nowMs + CLOCK_SKEW_MS) return { ok: false, field: "completedAt", problem: "future" };
    if (completed < received) return { ok: false, field: "completedAt", problem: "beforeReceived" };
    if (completed - received > MAX_SPAN_DAYS * 86_400_000)
      return { ok: false, field: "completedAt", problem: "span" };
    completedAt = new Date(completed).toISOString();
  }
  const receivedAt = new Date(received).toISOString();
  return { ok: true, item: { transactionType, externalRef, receivedAt, completedAt } };
}

const PROBLEM_KEYS: Record<TransactionProblem, string> = {
  type: "transactionType",
  ref: "externalRef",
  date: "dateTime",
  tooEarly: "tooEarly",
  future: "future",
  beforeReceived: "completedBeforeReceived",
  span: "span",
};

/** Field → translation key (pledgesAdmin.errors.*) for a transaction entered in the form. */
export function transactionProblemKey(problem: TransactionProblem): string {
  return `pledgesAdmin.errors.${PROBLEM_KEYS[problem]}`;
}

/** The key under which a file or a request can hold a transaction once: type and ref. */
export function transactionKey(transactionType: string, externalRef: string): string {
  return `${transactionType}\u0000${externalRef}`;
}
