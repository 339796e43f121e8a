// The side panel: one card per route with its stops in order (planned arrival, live ETA, status), late stops in
// red, a reoptimize button, and drag and drop of stops within a route, across routes, or from the unrouted list.
import { clockTime, escapeHtml, hoursMinutes, kilometres } from './format.js';
import { DONE_STATUSES, isAfterWindow } from './day-data.js';

/**
 * @typedef {{ stopId: string, fromRouteId: string | null, toRouteId: string, position: number }} StopMove
 *   position: 0-based index the stop should have in the target route after the move
 * @typedef {{ onMoveStop: (move: StopMove) => void, onReoptimize: (routeId: string) => void,
 *   onFocusStop: (stopId: string) => void }} PanelActions
 */

/** @param {import('./day-data.js').RouteStop} s */
function windowText(s) {
  if (!s.windowFrom && !s.windowTo) return '';
  return `${clockTime(s.windowFrom)}–${clockTime(s.windowTo)}`;
}

/**
 * @param {import('./day-data.js').RouteStop} s
 * @param {string | null} routeId
 */
function stopItem(s, routeId) {
  const li = document.createElement('li');
  li.className = `stop${s.late ? ' late' : ''} status-${s.status}`;
  li.draggable = !DONE_STATUSES.has(s.status);
  li.dataset.testid = 'panel-stop';
  li.dataset.stopId = s.id;
  if (routeId) li.dataset.routeId = routeId;
  li.dataset.windowTo = s.windowTo ?? '';
  li.dataset.status = s.status;
  li.innerHTML = `
    <span class="seq">${routeId ? s.seq : '•'}</span>
    <span class="label" title="${escapeHtml(s.label)}">${escapeHtml(s.label)}</span>
    <span class="window" title="time window">${windowText(s)}</span>
    <span class="planned" title="planned arrival">${clockTime(s.plannedArrival)}</span>
    <span class="eta" title="live ETA">${s.eta ? clockTime(s.eta) : '–'}</span>
    <span class="status">${escapeHtml(s.status)}</span>`;
  return li;
}

/**
 * @param {HTMLElement} container
 * @param {PanelActions} actions
 */
export function createRoutePanel(container, actions) {
  /** @type {{ stopId: string, fromRouteId: string | null } | null} */
  let dragged = null;

  /**
   * @param {HTMLOListElement} list
   * @param {string} routeId
   */
  function makeDropTarget(list, routeId) {
    list.addEventListener('dragover', (event) => {
      if (!dragged) return;
      event.preventDefault();
      list.classList.add('drop-target');
    });
    list.addEventListener('dragleave', () => list.classList.remove('drop-target'));
    list.addEventListener('drop', (event) => {
      event.preventDefault();
      list.classList.remove('drop-target');
      if (!dragged) return;
      const all = [...list.querySelectorAll('li.stop')];
      const from = all.findIndex((li) => li instanceof HTMLElement && li.dataset.stopId === dragged?.stopId);
      const items = all.filter((_, i) => i !== from);
      // Dropped on a stop: take its place. Moving down the same list, that stop moves up (the dragged one lands
      // after it); otherwise it moves down. Dropped below the last stop: append.
      const target = event.target instanceof Element ? event.target.closest('li.stop') : null;
      let position = items.length;
      if (target instanceof HTMLElement && target.dataset.stopId !== dragged.stopId) {
        const idx = items.indexOf(target);
        if (idx >= 0) position = from >= 0 && from <= idx ? idx + 1 : idx;
      }
      const move = { stopId: dragged.stopId, fromRouteId: dragged.fromRouteId, toRouteId: routeId, position };
      dragged = null;
      actions.onMoveStop(move);
    });
  }

  /** @param {HTMLElement} li */
  function makeDraggable(li) {
    li.addEventListener('dragstart', (event) => {
      dragged = { stopId: li.dataset.stopId ?? '', fromRouteId: li.dataset.routeId ?? null };
      event.dataTransfer?.setData('text/plain', dragged.stopId);
      li.classList.add('dragging');
    });
    li.addEventListener('dragend', () => li.classList.remove('dragging'));
    li.addEventListener('click', () => actions.onFocusStop(li.dataset.stopId ?? ''));
  }

  /** @param {import('./day-data.js').DayView} day */
  function render(day) {
    container.replaceChildren();
    if (day.routes.length === 0) {
      const empty = document.createElement('p');
      empty.className = 'empty';
      empty.dataset.testid = 'no-routes';
      empty.textContent = `No routes on ${day.date}. Run auto-optimize to plan the day's pending stops.`;
      container.append(empty);
    }
    for (const route of day.routes) {
      const card = document.createElement('section');
      card.className = 'route-card';
      card.dataset.testid = 'route-card';
      card.dataset.routeId = route.id;
      const lateCount = route.stops.filter((s) => s.late).length;
      card.innerHTML = `
        <header>
          <span class="swatch" style="background:${route.color}"></span>
          <strong>${escapeHtml(route.name)}</strong>
          <span class="driver">${route.driverName ? escapeHtml(route.driverName) : 'no driver'}</span>
          ${route.optimized === false ? '<span class="badge">edited</span>' : ''}
          <span class="late-count${lateCount ? ' has-late' : ''}" data-testid="late-count">${lateCount} late</span>
          <button type="button" class="reoptimize" data-testid="reoptimize">Reoptimize</button>
        </header>
        <div class="totals">${route.stops.length} stops · ${kilometres(route.distanceM)} ·
          ${hoursMinutes(route.durationS)}</div>
        <div class="columns"><span></span><span>stop</span><span>window</span><span>plan</span><span>ETA</span>
          <span>status</span></div>`;
      const list = document.createElement('ol');
      list.className = 'stops';
      for (const s of route.stops) {
        const li = stopItem(s, route.id);
        makeDraggable(li);
        list.append(li);
      }
      makeDropTarget(list, route.id);
      card.append(list);
      card.querySelector('button.reoptimize')?.addEventListener('click', () => actions.onReoptimize(route.id));
      container.append(card);
    }
    if (day.unrouted.length > 0) {
      const card = document.createElement('section');
      card.className = 'route-card unrouted';
      card.dataset.testid = 'unrouted-card';
      card.innerHTML = `<header><strong>Not routed</strong><span class="driver">${day.unrouted.length} stops ·
        drag onto a route</span></header>`;
      const list = document.createElement('ol');
      list.className = 'stops';
      for (const s of day.unrouted) {
        const li = stopItem(s, null);
        makeDraggable(li);
        list.append(li);
      }
      card.append(list);
      container.append(card);
    }
  }

  /**
   * A live update: refresh the ETA cells of the driver's remaining stops and re-mark late ones.
   * @param {import('./day-data.js').DriverLive} live
   * @returns {{ stopId: string, late: boolean }[]} the lateness of each stop shown
   */
  function applyLive(live) {
    const marked = [];
    for (const r of live.remaining) {
      const li = container.querySelector(`li.stop[data-stop-id="${CSS.escape(r.stopId)}"]`);
      if (!(li instanceof HTMLElement) || DONE_STATUSES.has(li.dataset.status ?? '')) continue;
      const eta = li.querySelector('.eta');
      if (eta) eta.textContent = r.eta ? clockTime(r.eta) : '–';
      const late = r.late || isAfterWindow(r.eta, li.dataset.windowTo || null);
      li.classList.toggle('late', late);
      marked.push({ stopId: r.stopId, late });
    }
    for (const card of container.querySelectorAll('section.route-card')) {
      const count = card.querySelectorAll('li.stop.late').length;
      const badge = card.querySelector('[data-testid=late-count]');
      if (badge) {
        badge.textContent = `${count} late`;
        badge.classList.toggle('has-late', count > 0);
      }
    }
    return marked;
  }

  return { render, applyLive };
}
