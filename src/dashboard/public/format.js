// Times are shown in the organization's time zone (GET /organization), as its planners read the wall clock
// wherever the browser is; a time on another day than the one shown carries its date ("06-12 07:30").

/** @type {string | undefined} IANA zone; undefined: the browser's own until the organization's is known. */
let displayZone;
/** @type {string | null} YYYY-MM-DD of the day on screen. */
let displayDay = null;
/** @type {Map<string, Intl.DateTimeFormat>} */
const formats = new Map();

/** @param {string | undefined} zone */
function partsFormat(zone) {
  const key = zone ?? '';
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    });
    formats.set(key, f);
  }
  return f;
}

/** @param {Date} d @param {string | undefined} zone @returns {Record<string, string>} */
function partsOf(d, zone) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const p of partsFormat(zone).formatToParts(d)) out[p.type] = p.value;
  return out;
}

/** The zone every time on the page is shown in (the organization's). @param {string} zone */
export function setDisplayZone(zone) {
  try {
    partsFormat(zone);
    displayZone = zone;
  } catch {
    // An unknown zone keeps the browser's: better a time in the wrong zone than no page.
  }
}

/** The day on screen: times on another date show it. @param {string | null} date YYYY-MM-DD */
export function setDisplayDay(date) {
  displayDay = date;
}

/** `HH:MM` in the organization's zone, with `DD-MM ` in front when not on the day shown. @param {string | null | undefined} iso */
export function clockTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '–';
  const p = partsOf(d, displayZone);
  const clock = `${p.hour}:${p.minute}`;
  const date = `${p.year}-${p.month}-${p.day}`;
  return displayDay !== null && date !== displayDay ? `${p.day}-${p.month} ${clock}` : clock;
}

/** @param {number | null | undefined} metres */
export function kilometres(metres) {
  return typeof metres === 'number' ? `${(metres / 1000).toFixed(1)} km` : '–';
}

/** @param {number | null | undefined} seconds */
export function hoursMinutes(seconds) {
  if (typeof seconds !== 'number') return '–';
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Today's date as YYYY-MM-DD in the organization's zone. */
export function todayIsoDate() {
  const p = partsOf(new Date(), displayZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** @param {string} text */
export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
