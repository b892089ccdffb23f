import type { Db } from "../../../db/client";

/*
 * STUB (import helper): the results helper owns this file and its real body; at merge the lead
 * takes theirs. The signature is the contract in /work/wt/COMMON.md.
 */

/** Recompute and store pledge × month results for these pledges (all when omitted) and months
 * (every month from the pledge's first effective month to the current HK month when omitted). */
export async function recomputeStoredResults(
  _db: Db,
  _opts?: { pledgeIds?: number[]; months?: string[] },
): Promise<{ pledges: number; rows: number }> {
  return { pledges: 0, rows: 0 };
}
