/**
 * The organization's service day: a date in its zone, the shift a vehicle works on that date, and the bounds a
 * route of that day must stay within. Every plan path reads shifts through here, so a shift of "08:00–17:00" means
 * 08:00 local on the route's own date wherever the route is planned, re-planned or re-timed.
 */
import type { OrganizationSettings } from '../store/organizations.js';
import { clockOf, dailyWindowOn, nextDate, zonedDate, zonedInstant } from '../util/zoned-time.js';

export interface ShiftInstants {
  from: string;
  to: string;
}

/**
 * The shift `shift` (the vehicle's, else the organization's default) placed on local `date`: ISO instants, or null
 * when neither is set.
 */
export function shiftOnDate(
  shift: { from: string; to: string } | null | undefined,
  date: string,
  settings: Pick<OrganizationSettings, 'time_zone' | 'default_shift'>,
): ShiftInstants | null {
  const daily = shift ?? settings.default_shift;
  if (!daily) return null;
  const zone = settings.time_zone;
  const { fromMs, toMs } = dailyWindowOn(date, { from: clockOf(daily.from, zone), to: clockOf(daily.to, zone) }, zone);
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
}

/** Local midnight to midnight of `date`, epoch ms. */
export function dayBoundsMs(date: string, timeZone: string): { startMs: number; endMs: number } {
  return { startMs: zonedInstant(date, '00:00', timeZone), endMs: zonedInstant(nextDate(date), '00:00', timeZone) };
}

/** The local date of an instant (the service day of a window, of "now"). */
export function serviceDateOf(ms: number, timeZone: string): string {
  return zonedDate(ms, timeZone);
}

/** The day a set of windows belongs to: the local date of the earliest window start, else of `fallbackMs`. */
export function serviceDateOfWindows(windows: readonly { from: string }[], timeZone: string, fallbackMs: number): string {
  let earliest = Infinity;
  for (const w of windows) earliest = Math.min(earliest, Date.parse(w.from));
  return zonedDate(Number.isFinite(earliest) ? earliest : fallbackMs, timeZone);
}
