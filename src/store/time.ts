/** Any ISO 8601 instant with an offset → the stored form, UTC with milliseconds. */
export function toUtcIso(iso: string): string {
  return new Date(Date.parse(iso)).toISOString();
}

/** The calendar date as written in an ISO string with offset (`2026-05-08T09:00:00+03:00` → `2026-05-08`). */
export function localDateOf(iso: string): string {
  return iso.slice(0, 10);
}
