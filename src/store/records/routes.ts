import type { ListQuery, TimeWindow } from './common.js';
import type { StopStatus } from './stops.js';

export type RouteStatus = 'planned' | 'in_progress' | 'completed';

/** A stop in its place on a route, with its planned times (ISO instants) as the route's timing wrote them. */
export interface RouteStop {
  stop_id: string;
  /** 0-based visiting order. */
  position: number;
  status: StopStatus;
  lat: number;
  lng: number;
  address: string | null;
  time_windows: TimeWindow[];
  planned_arrival: string | null;
  service_start: string | null;
  departure: string | null;
  /** Driven from the previous stop (or the start), metres. */
  distance_m: number;
  /** Latest estimate from live tracking; null until a driver reports. */
  eta: string | null;
}

/** A route without its stops. */
export interface RouteSummary {
  id: string;
  external_id: string | null;
  name: string | null;
  /** `YYYY-MM-DD`. */
  date: string | null;
  vehicle_id: string | null;
  driver_id: string | null;
  status: RouteStatus;
  /** True while the order is the solver's (any manual change clears it). */
  optimized: boolean;
  distance_m: number;
  duration_s: number;
  stop_count: number;
  started_at: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface Route extends RouteSummary {
  stops: RouteStop[];
}

export interface RouteListQuery extends ListQuery {
  date?: string | undefined;
  status?: RouteStatus | undefined;
  driver_id?: string | undefined;
  vehicle_id?: string | undefined;
}
