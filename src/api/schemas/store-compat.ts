/**
 * The wire schemas and the store's own record types are written separately (the store imports nothing from the
 * API); this file keeps them in step at compile time. A record the store returns must be exactly what the
 * response schema describes (each assignable to the other), and what a request schema's parse produces must be
 * accepted by the store function it is handed to. A `Type 'false' does not satisfy the constraint 'true'` error
 * below names the pair that drifted apart. Types only: nothing here runs.
 */
import type { z } from 'zod';
import type * as common from '../../store/records/common.js';
import type * as depots from '../../store/records/depots.js';
import type * as drivers from '../../store/records/drivers.js';
import type * as routes from '../../store/records/routes.js';
import type * as areas from '../../store/records/service-areas.js';
import type * as stops from '../../store/records/stops.js';
import type * as vehicles from '../../store/records/vehicles.js';
import type { ArchivableListQuery } from './common.js';
import type { Depot, DepotInput, DepotPatch } from './depots.js';
import type { Driver, DriverInput, DriverPatch } from './drivers.js';
import type { Route, RouteListQuery, RouteStatus, RouteStop, RouteSummary } from './routes.js';
import type { ServiceArea, ServiceAreaInput, ServiceAreaPatch } from './service-areas.js';
import type { Stop, StopHistoryEntry, StopInput, StopListQuery, StopPatch, StopStatus } from './stops.js';
import type { Vehicle, VehicleInput, VehiclePatch } from './vehicles.js';

/** `true` when each type is assignable to the other. */
type Interchangeable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** `true` when a parsed request body (`Parsed`) can be handed to the store as its input type (`StoreInput`). */
type Accepts<StoreInput, Parsed> = [Parsed] extends [StoreInput] ? true : false;
type Holds<T extends true> = T;

export type StoreCompat = [
  Holds<Accepts<common.ArchivableListQuery, z.infer<typeof ArchivableListQuery>>>,

  Holds<Interchangeable<z.infer<typeof Vehicle>, vehicles.Vehicle>>,
  Holds<Accepts<vehicles.VehicleInput, z.infer<typeof VehicleInput>>>,
  Holds<Accepts<vehicles.VehiclePatch, z.infer<typeof VehiclePatch>>>,

  Holds<Interchangeable<z.infer<typeof Driver>, drivers.Driver>>,
  Holds<Accepts<drivers.DriverInput, z.infer<typeof DriverInput>>>,
  Holds<Accepts<drivers.DriverPatch, z.infer<typeof DriverPatch>>>,

  Holds<Interchangeable<z.infer<typeof Depot>, depots.Depot>>,
  Holds<Accepts<depots.DepotInput, z.infer<typeof DepotInput>>>,
  Holds<Accepts<depots.DepotPatch, z.infer<typeof DepotPatch>>>,

  Holds<Interchangeable<z.infer<typeof StopStatus>, stops.StopStatus>>,
  Holds<Interchangeable<z.infer<typeof Stop>, stops.Stop>>,
  Holds<Interchangeable<z.infer<typeof StopHistoryEntry>, stops.StopHistoryEntry>>,
  Holds<Accepts<stops.StopInput, z.infer<typeof StopInput>>>,
  Holds<Accepts<stops.StopPatch, z.infer<typeof StopPatch>>>,
  Holds<Accepts<stops.StopListQuery, z.infer<typeof StopListQuery>>>,

  Holds<Interchangeable<z.infer<typeof RouteStatus>, routes.RouteStatus>>,
  Holds<Interchangeable<z.infer<typeof RouteStop>, routes.RouteStop>>,
  Holds<Interchangeable<z.infer<typeof RouteSummary>, routes.RouteSummary>>,
  Holds<Interchangeable<z.infer<typeof Route>, routes.Route>>,
  Holds<Accepts<routes.RouteListQuery, z.infer<typeof RouteListQuery>>>,

  Holds<Interchangeable<z.infer<typeof ServiceArea>, areas.ServiceArea>>,
  Holds<Accepts<areas.ServiceAreaInput, z.infer<typeof ServiceAreaInput>>>,
  Holds<Accepts<areas.ServiceAreaPatch, z.infer<typeof ServiceAreaPatch>>>,
];
