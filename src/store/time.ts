/** Any ISO 8601 instant with an offset → the stored form, UTC with milliseconds. */
export function toUtcIso(iso: string): string {
  return new Date(Date.parse(iso)).toISOString();
}
