/**
 * `new Date(ms).toISOString()` for the hot paths (every ping stores two timestamps; every dispatcher update
 * carries an ETA per remaining stop), without a Date per call: the day's prefix is cached and the time of day
 * is written from tables. Gives exactly what toISOString gives (a test compares them); outside the years
 * 2000-2099 it calls toISOString.
 */
const MS_PER_DAY = 86_400_000;
const FROM_MS = Date.UTC(2000, 0, 1);
const TO_MS = Date.UTC(2100, 0, 1);

const TWO: string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

let cachedDay = Number.NaN;
let cachedPrefix = '';

export function isoOf(time: number): string {
  if (!(time >= FROM_MS && time < TO_MS)) return new Date(time).toISOString();
  // A Date drops the fraction of a millisecond (toward zero; these are positive).
  const ms = Math.floor(time);
  const day = Math.floor(ms / MS_PER_DAY);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedPrefix = new Date(day * MS_PER_DAY).toISOString().slice(0, 11);
  }
  let rest = ms - day * MS_PER_DAY;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  return `${cachedPrefix}${TWO[h]!}:${TWO[m]!}:${TWO[s]!}.${THREE[rest - s * 1000]!}Z`;
}
