/** Timestamps are stored as ISO-8601 UTC strings (docs/decisions/0002-portable-column-types.md). */
export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}

export function addMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}
