/**
 * What planning is asked to do, in its own words. The API's zod schemas (src/api/schemas/routes.ts) validate the
 * wire and produce values of these shapes; planning never sees a request object.
 */
import type { BalanceOption, Minimize } from '../solver/model.js';

export interface PlanOptions {
  /** Solver budget, seconds (capped by the server's `maxSolveTimeS`). */
  time_limit_s: number;
  minimize: Minimize;
  balance?: BalanceOption;
  seed?: number;
}

/** An ISO window as sent; planning normalizes it to UTC. */
export interface WindowInput {
  from: string;
  to: string;
}

/** A stop given in full inside a plan request (not stored). */
export interface InlineStopInput {
  id?: string | undefined;
  lat: number;
  lng: number;
  time_windows: WindowInput[];
  service_duration_s: number;
  demand: number[];
  priority: number;
  skills: string[];
}

/** A vehicle given in full inside a plan request (not stored). */
export interface InlineVehicleInput {
  id?: string | undefined;
  capacity: number[];
  skills: string[];
  shift?: WindowInput | null | undefined;
  start?: { lat: number; lng: number } | null | undefined;
  end?: { lat: number; lng: number } | null | undefined;
  start_depot_id?: string | null | undefined;
  end_depot_id?: string | null | undefined;
  costs?: { fixed?: number | undefined; per_hour?: number | undefined; per_km?: number | undefined } | null | undefined;
  max_stops?: number | null | undefined;
  speed_factor?: number | null | undefined;
}

/** `POST /plan`: stored ids or inline entries. */
export interface PlanRequest {
  stops: (string | InlineStopInput)[];
  vehicles: (string | InlineVehicleInput)[];
  options: PlanOptions;
}

/** `POST /auto-optimize`: a day of the organization's pending stops. */
export interface AutoOptimizeRequest {
  /** YYYY-MM-DD in the organization's zone. */
  date: string;
  vehicle_ids?: string[] | undefined;
  options: PlanOptions;
}
