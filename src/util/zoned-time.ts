/**
 * Calendar dates and times of day in an IANA time zone, through the platform's Intl (no tz database of our own).
 * A shift "08:00–17:00" or a service day "2026-12-05" means local time in the organization's zone; instants are
 * stored in UTC. Daylight-saving gaps resolve forward (02:30 on a spring-forward night is 03:30), repeated hours
 * take their first occurrence.
 */

/** `HH:MM` or `HH:MM:SS`, 00:00–23:59:59 (24:00 is allowed as the end of a day). */
export const CLOCK_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?$|^24:00(?::00)?$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the platform knows `timeZone` as an IANA zone name (or UTC). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(ms: number, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out.year!,
    month: out.month!,
    day: out.day!,
    hour: out.hour! % 24,
    minute: out.minute!,
    second: out.second!,
  };
}

/** Offset of the zone from UTC at instant `ms`, milliseconds (Tallinn in winter: +7,200,000). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  // Whole seconds: the formatter drops milliseconds.
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/** Seconds since local midnight of a clock string. */
export function clockSeconds(clock: string): number {
  const [h, m, s] = clock.split(':').map(Number);
  return h! * 3600 + m! * 60 + (s ?? 0);
}

/** The instant (epoch ms) when it is `clock` on local `date` in `timeZone`. */
export function zonedInstant(date: string, clock: string, timeZone: string): number {
  const [y, mo, d] = date.split('-').map(Number);
  const wallMs = Date.UTC(y!, mo! - 1, d!) + clockSeconds(clock) * 1000;
  // Offsets half a day either side cover any transition near this wall time; a candidate is right when its own
  // offset maps it back to the wall time. Two right ones: a repeated hour, take the first. None: a gap, move forward.
  const before = wallMs - zoneOffsetMs(wallMs - 43_200_000, timeZone);
  const after = wallMs - zoneOffsetMs(wallMs + 43_200_000, timeZone);
  const fits = (c: number): boolean => c + zoneOffsetMs(c, timeZone) === wallMs;
  const fitBefore = fits(before);
  const fitAfter = fits(after);
  if (fitBefore && fitAfter) return Math.min(before, after);
  if (fitBefore) return before;
  if (fitAfter) return after;
  return Math.max(before, after);
}

/** The local calendar date (YYYY-MM-DD) of instant `ms` in `timeZone`. */
export function zonedDate(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The local time of day (HH:MM, or HH:MM:SS when seconds are set) of instant `ms` in `timeZone`. */
export function zonedClock(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  const hm = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  return p.second === 0 ? hm : `${hm}:${String(p.second).padStart(2, '0')}`;
}

/**
 * A time of day as kept for daily windows (shifts): a clock is kept as sent (24:00:00 as 24:00), an ISO date-time gives its local time
 * of day in `timeZone` (its date is dropped: a shift applies to every day).
 */
export function clockOf(value: string, timeZone: string): string {
  if (!CLOCK_PATTERN.test(value)) return zonedClock(Date.parse(value), timeZone);
  // The end of a day has one spelling.
  return value.slice(0, 5) === '24:00' ? '24:00' : value;
}

/** The calendar day after `date`. */
export function nextDate(date: string): string {
  const [y, mo, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, mo! - 1, d! + 1)).toISOString().slice(0, 10);
}

/**
 * A daily window (a shift) placed on `date`: from `from` that day to `to`, which rolls over to the next day when it
 * is not after `from` (a night shift 22:00–06:00). Epoch ms.
 */
export function dailyWindowOn(date: string, window: { from: string; to: string }, timeZone: string): { fromMs: number; toMs: number } {
  const fromMs = zonedInstant(date, window.from, timeZone);
  const overnight = clockSeconds(window.to) <= clockSeconds(window.from);
  const toMs = zonedInstant(overnight ? nextDate(date) : date, window.to, timeZone);
  return { fromMs, toMs };
}
