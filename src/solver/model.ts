/**
 * The solver's public problem and solution model.
 *
 * Units: times are seconds on one timeline chosen by the caller (the API uses seconds since the plan's epoch,
 * the Solomon reader uses the file's own time units); distances are metres for coordinate problems, or the
 * caller's matrix units. Nothing here is mutated by the solver.
 */

/** A place: either coordinates (the solver builds haversine matrices) or an index into caller matrices. */
export type Location = { lat: number; lng: number } | { index: number };

/** A closed interval [start, end] on the problem timeline, in seconds. */
export interface TimeWindow {
  start: number;
  end: number;
}

export interface Job {
  /** Caller's id, echoed in the solution. Unique within a problem. */
  id: string;
  location: Location;
  /** Time spent at the stop, seconds. */
  serviceS?: number;
  /** Allowed service-start windows, sorted and disjoint. Empty or absent: any time. */
  timeWindows?: TimeWindow[];
  /**
   * Amounts per dimension (kg, items, volume ...) loaded at the start and dropped here. Same length as every
   * vehicle's capacity; missing dims count 0. `demand` is an alias of `delivery` (give one of them).
   */
  delivery?: number[];
  /** Alias of `delivery`, kept for existing callers. */
  demand?: number[];
  /** Amounts collected here and carried to the route's end. */
  pickup?: number[];
  /**
   * 0–10. 0 means unset and counts as 5. A job is never dropped to serve jobs of lower priority:
   * the objective first maximises the sum of served priorities.
   */
  priority?: number;
  /** Skills a vehicle must all have to serve the job. */
  skills?: string[];
}

/** One half of a shipment: where and when its amount is collected or dropped. */
export interface ShipmentStep {
  /** Optional caller id of this half, echoed as the step's `job` (else the shipment id is). */
  id?: string;
  location: Location;
  serviceS?: number;
  /** Allowed service-start windows, sorted and disjoint. Empty or absent: any time. */
  timeWindows?: TimeWindow[];
}

/**
 * A pickup-and-delivery order: `amount` is collected at `pickup` and dropped at `delivery` by the same vehicle,
 * pickup first. The load rises by `amount` at the pickup and falls by it at the delivery. Served whole or
 * unassigned whole.
 */
export interface Shipment {
  /** Caller's id, echoed in the solution. Unique among jobs and shipments. */
  id: string;
  pickup: ShipmentStep;
  delivery: ShipmentStep;
  /** Amounts per dimension, as a job's. */
  amount?: number[];
  /** As a job's priority: 0–10, 0 counts as 5. */
  priority?: number;
  skills?: string[];
}

export interface Vehicle {
  id: string;
  /** Absent: the route starts at its first job (open start). */
  start?: Location;
  /** Absent: the route ends at its last job (open end). */
  end?: Location;
  /** Working time window: leave start no earlier than start, reach end no later than end. */
  shift?: TimeWindow;
  capacity?: number[];
  skills?: string[];
  maxStops?: number;
  /** Max time from leaving start to reaching end (or last job's departure on open routes), seconds. */
  maxDurationS?: number;
  /** Max travelled distance along the route. */
  maxDistanceM?: number;
  /** Cost paid when the vehicle is used at all. */
  fixedCost?: number;
  costPerHour?: number;
  costPerKm?: number;
  /** Travel time multiplier for this vehicle (1.2 = 20 % slower than the matrix). */
  speedFactor?: number;
}

export interface Matrices {
  /** Row-major n×n travel durations in seconds between location indices. */
  durations: ArrayLike<number>;
  /** Row-major n×n travel distances between location indices. */
  distances: ArrayLike<number>;
  /** Number of locations n. */
  size: number;
}

export interface Problem {
  jobs: Job[];
  /** Pickup-and-delivery pairs. */
  shipments?: Shipment[];
  vehicles: Vehicle[];
  /** Required when any location is given by index. */
  matrices?: Matrices;
  /** Used to derive durations from haversine distances when locations are coordinates. Default `DEFAULT_SPEED_KMH` (straight-line.ts). */
  averageSpeedKmh?: number;
}

export type Minimize = 'cost' | 'vehicles';

export interface BalanceOption {
  /** Weight of the spread term against the cost terms; 0 switches balancing off. */
  weight: number;
  by: 'duration' | 'stops';
}

export interface SolveOptions {
  /** Time budget for the whole solve, seconds. Needs `clock`; without one only `maxIterations` bounds the search. */
  timeLimitS?: number;
  /** Monotonic milliseconds (e.g. performance.now). The only clock the pure solver sees. */
  clock?: () => number;
  /** Ruin-and-recreate iterations at most (default: unbounded when a time limit is set, else 2,000). */
  maxIterations?: number;
  seed?: number;
  /** 'vehicles': fewer vehicles before lower cost. Priority always comes first. */
  minimize?: Minimize;
  /**
   * What "cost" means: 'distance' (default when no vehicle has cost terms), 'duration', or 'cost'
   * (fixed + per-hour + per-km terms of the vehicles).
   */
  objective?: 'distance' | 'duration' | 'cost';
  balance?: BalanceOption;
  /** Cooperative cancellation, polled between iterations. */
  shouldStop?: () => boolean;
  /** Called now and then with progress; must be cheap. */
  onProgress?: (p: SolveProgress) => void;
  /** Skip the metaheuristic: construction plus local search only. */
  localSearchOnly?: boolean;
}

export interface SolveProgress {
  iteration: number;
  bestCost: number;
  bestVehicles: number;
  unassigned: number;
  /** 0..1 share of the time or iteration budget used. */
  fraction: number;
}

export type UnassignedReason =
  | 'capacity'
  | 'time_window'
  | 'skills'
  | 'max_stops'
  | 'max_duration'
  | 'max_distance'
  | 'no_vehicle'
  | 'unreachable';

export interface Step {
  /** 'pickup' and 'delivery' are the two halves of a shipment. */
  type: 'start' | 'job' | 'pickup' | 'delivery' | 'end';
  /** Job id for job steps; for shipment steps the half's own id when it has one, else the shipment id. */
  job?: string;
  /** Shipment id for pickup and delivery steps. */
  shipment?: string;
  arrival: number;
  waiting: number;
  service_start: number;
  departure: number;
  /** Load on board after the step, per dimension (exact: deliveries still aboard plus what was picked up). */
  load: number[];
  /** Leg into this step from the previous one (0 for start). */
  distance: number;
  duration: number;
}

export interface Route {
  vehicle: string;
  steps: Step[];
  distance: number;
  /** From leaving the first step to reaching the last one, including waiting and service. */
  duration: number;
  cost: number;
  /** This route's share of the balanced measure (duration or stops) over all routes, 0..1. */
  share: number;
}

export interface Solution {
  routes: Route[];
  /** Jobs and shipments not served; a shipment's entry has `job` and `shipment` both set to its id. */
  unassigned: { job: string; shipment?: string; reason: UnassignedReason }[];
  summary: {
    cost: number;
    distance: number;
    duration: number;
    vehicles: number;
    unassigned: number;
    /** Sum of served job and shipment priorities (0 counted as 5). */
    priority: number;
    iterations: number;
    /** Largest and smallest route duration (or stops) when balancing, for the report. */
    balance?: { by: 'duration' | 'stops'; max: number; min: number; spread: number };
  };
}
