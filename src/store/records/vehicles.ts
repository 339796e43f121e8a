import type { LatLng, TimeWindow } from './common.js';

/** Cost of using a vehicle: `fixed` per route used, `per_hour` of route duration, `per_km` driven. */
export interface VehicleCosts {
  fixed?: number | undefined;
  per_hour?: number | undefined;
  per_km?: number | undefined;
}

/** A vehicle as stored. */
export interface Vehicle {
  id: string;
  external_id: string | null;
  name: string;
  /** Capacity per dimension, in the same units as stops' `demand`. */
  capacity: number[];
  skills: string[];
  /** Working time, ISO instants in UTC. */
  shift: TimeWindow | null;
  start: LatLng | null;
  end: LatLng | null;
  /** When set, `start` / `end` hold that depot's coordinates. */
  start_depot_id: string | null;
  end_depot_id: string | null;
  costs: VehicleCosts;
  max_stops: number | null;
  /** Multiplies travel times (0.1..10); null means 1. */
  speed_factor: number | null;
  /** When the vehicle was archived (it had routes when deleted); null while it is live. */
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Fields a create and a patch share; `null` clears a field on patch. Shift ends may carry any offset. */
interface VehicleOptionalFields {
  shift?: TimeWindow | null | undefined;
  start?: LatLng | null | undefined;
  end?: LatLng | null | undefined;
  start_depot_id?: string | null | undefined;
  end_depot_id?: string | null | undefined;
  costs?: VehicleCosts | null | undefined;
  max_stops?: number | null | undefined;
  speed_factor?: number | null | undefined;
  external_id?: string | null | undefined;
}

export interface VehicleInput extends VehicleOptionalFields {
  name: string;
  capacity: number[];
  skills: string[];
}

export interface VehiclePatch extends VehicleOptionalFields {
  name?: string | undefined;
  capacity?: number[] | undefined;
  skills?: string[] | undefined;
}
