// The Leaflet map: service areas, one coloured line per route with numbered stops, one arrow per driver.
// Every drawn thing carries a data-testid so the end-to-end test (and a curious planner) can count it.
import * as L from '/dashboard/vendor/leaflet/leaflet-src.esm.js';

/**
 * Tooltip content as text. Leaflet puts a string in as HTML, and these are names anyone with a token can set
 * (areas, vehicles, drivers, customers): a service area named `<img src=x onerror=...>` would run in the page.
 * @param {string} text
 */
function asText(text) {
  const span = document.createElement('span');
  span.textContent = text;
  return span;
}

/**
 * @param {HTMLElement} container
 * @param {{ tileUrl: string | null, tileAttribution: string | null }} config
 */
export function createMapView(container, config) {
  const map = L.map(container, { zoomControl: true, preferCanvas: false }).setView([20, 0], 2);
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.tileAttribution ?? '' }).addTo(map);
  } else {
    // No tile server configured (or offline): areas, routes and drivers still draw on a plain background.
    container.classList.add('no-tiles');
  }
  const areasLayer = L.layerGroup().addTo(map);
  const routesLayer = L.layerGroup().addTo(map);
  const stopsLayer = L.layerGroup().addTo(map);
  const driversLayer = L.layerGroup().addTo(map);
  /** @type {Map<string, L.Marker>} driver id -> its marker */
  const driverMarkers = new Map();
  /** @type {Map<string, { name: string, color: string }>} driver id -> how to label and colour it */
  const driverStyle = new Map();
  /** @type {Map<string, L.Marker>} stop id -> its numbered pin */
  const stopPins = new Map();
  let fittedDate = '';

  /**
   * @param {L.Layer} layer
   * @param {Record<string, string>} attributes
   */
  function tag(layer, attributes) {
    // Paths and markers get their DOM element only once they are on the map.
    const el = /** @type {any} */ (layer).getElement?.();
    if (!el) return;
    for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v);
  }

  /** @param {import('./day-data.js').DayView} day */
  function render(day) {
    areasLayer.clearLayers();
    routesLayer.clearLayers();
    stopsLayer.clearLayers();
    stopPins.clear();
    /** @type {L.LatLngExpression[]} the day's work: routes, stops, drivers */
    const everything = [];
    /** @type {L.LatLngExpression[]} service areas: framed only when there is no work to frame */
    const areaCorners = [];

    for (const area of day.areas) {
      const layer = L.geoJSON(area.geometry, {
        style: { color: '#5b6b7a', weight: 1.5, fillColor: '#9fb3c8', fillOpacity: 0.18, dashArray: '4 3' },
      }).bindTooltip(asText(area.name), { sticky: true });
      layer.addTo(areasLayer);
      layer.eachLayer((l) => tag(l, { 'data-testid': 'service-area', 'data-area-id': area.id }));
      const b = layer.getBounds();
      if (b.isValid()) areaCorners.push(b.getSouthWest(), b.getNorthEast());
    }

    for (const route of day.routes) {
      /** @type {L.LatLngExpression[]} */
      const points = [];
      if (route.start) points.push([route.start.lat, route.start.lng]);
      for (const s of route.stops) points.push([s.lat, s.lng]);
      if (route.end) points.push([route.end.lat, route.end.lng]);
      everything.push(...points);
      if (points.length >= 2) {
        const line = L.polyline(points, { color: route.color, weight: 4, opacity: 0.85 }).addTo(routesLayer);
        line.bindTooltip(asText(route.name), { sticky: true });
        tag(line, { 'data-testid': 'route-line', 'data-route-id': route.id });
      }
      for (const s of route.stops) {
        const icon = L.divIcon({
          className: `stop-pin${s.late ? ' late' : ''}`,
          html: `<span style="background:${route.color}">${s.seq}</span>`,
          iconSize: [22, 22],
          iconAnchor: [11, 11],
        });
        const marker = L.marker([s.lat, s.lng], { icon, keyboard: false }).addTo(stopsLayer);
        marker.bindTooltip(asText(`${s.seq}. ${s.label}`));
        tag(marker, { 'data-testid': 'stop-marker', 'data-stop-id': s.id, 'data-route-id': route.id });
        stopPins.set(s.id, marker);
      }
    }
    for (const s of day.unrouted) {
      const marker = L.circleMarker([s.lat, s.lng], { radius: 5, color: '#444', weight: 1, fillColor: '#fff',
        fillOpacity: 1 }).addTo(stopsLayer);
      marker.bindTooltip(asText(`Not routed: ${s.label}`));
      tag(marker, { 'data-testid': 'unrouted-stop', 'data-stop-id': s.id });
      everything.push([s.lat, s.lng]);
    }

    driverStyle.clear();
    for (const route of day.routes) {
      if (route.driverId) driverStyle.set(route.driverId, { name: route.driverName ?? route.name, color: route.color });
    }
    // Markers of drivers no longer on this day's routes go; the others keep their live position.
    for (const [id, marker] of driverMarkers) {
      if (!driverStyle.has(id)) {
        driversLayer.removeLayer(marker);
        driverMarkers.delete(id);
      }
    }
    for (const d of day.drivers) if (d.live) moveDriver(d.live);
    for (const m of driverMarkers.values()) everything.push(m.getLatLng());

    // Fit once per date, so live updates and edits do not keep jumping the view the planner chose.
    const frame = everything.length > 0 ? everything : areaCorners;
    if (fittedDate !== day.date && frame.length > 0) {
      map.fitBounds(L.latLngBounds(frame), { padding: [30, 30], maxZoom: 15 });
      fittedDate = day.date;
    }
  }

  /** @param {import('./day-data.js').DriverLive} live */
  function moveDriver(live) {
    const style = driverStyle.get(live.driverId);
    if (!style) return; // not a driver of the day on screen
    let marker = driverMarkers.get(live.driverId);
    if (!marker) {
      const icon = L.divIcon({
        className: 'driver-pin',
        html: `<div class="driver-arrow" style="color:${style.color}"></div>`,
        iconSize: [26, 26],
        iconAnchor: [13, 13],
      });
      marker = L.marker([live.lat, live.lng], { icon, zIndexOffset: 1000, keyboard: false }).addTo(driversLayer);
      marker.bindTooltip('');
      driverMarkers.set(live.driverId, marker);
    } else {
      marker.setLatLng([live.lat, live.lng]);
    }
    const el = marker.getElement();
    if (el) {
      el.setAttribute('data-testid', 'driver-marker');
      el.setAttribute('data-driver-id', live.driverId);
      el.setAttribute('data-lat', String(live.lat));
      el.setAttribute('data-lng', String(live.lng));
      el.classList.toggle('offline', !live.online);
      const arrow = /** @type {HTMLElement | null} */ (el.querySelector('.driver-arrow'));
      // No heading yet (a driver standing still): draw a dot instead of a misleading arrow.
      if (arrow) {
        arrow.classList.toggle('no-heading', live.heading === null);
        arrow.style.transform = `rotate(${live.heading ?? 0}deg)`;
      }
    }
    marker.setTooltipContent(asText(`${style.name}${live.online ? '' : ' (offline)'}`));
  }

  /** @param {string} stopId */
  function focusStop(stopId) {
    const pin = stopPins.get(stopId);
    if (pin) map.panTo(pin.getLatLng());
  }

  /** A live ETA moved a stop past (or back inside) its window. @param {string} stopId @param {boolean} late */
  function markStopLate(stopId, late) {
    stopPins.get(stopId)?.getElement()?.classList.toggle('late', late);
  }

  return { render, moveDriver, focusStop, markStopLate, map };
}
