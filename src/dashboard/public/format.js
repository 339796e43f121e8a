// Times are shown in the browser's local time zone, as a planner reads a wall clock.

/** @param {string | null | undefined} iso */
export function clockTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '–';
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
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

/** Today's date as YYYY-MM-DD in local time. */
export function todayIsoDate() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** @param {string} text */
export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
