/**
 * Which vehicles auto-optimize may use on a day. A half-configured vehicle (no start, no shift, no driver where
 * the organization needs one) must not take stops: the plan would send nobody, or send a bike at 03:00.
 */
import type { OrganizationSettings } from '../store/organizations.js';
import type { Vehicle } from '../store/vehicles.js';

export type SkipReason = 'archived' | 'busy' | 'no_start' | 'no_shift' | 'no_driver';

export interface SkippedVehicle {
  vehicle_id: string;
  reason: SkipReason;
  /** For people: what to set so the vehicle is used. */
  message: string;
}

const MESSAGES: Record<SkipReason, string> = {
  archived: 'is archived (unarchive it to plan with it)',
  busy: 'already has a route on this date',
  no_start: 'has no start location (set `start` or `start_depot_id`)',
  no_shift: "has no shift and the organization has no default shift (set the vehicle's `shift` or the organization's `default_shift`)",
  no_driver: 'has no active driver and the organization requires one',
};

/** Splits the fleet into vehicles ready to plan and the others, each with the first reason that rules it out. */
export function vehicleReadiness(
  fleet: readonly Vehicle[],
  context: { busy: ReadonlySet<string>; driverOf: ReadonlyMap<string, string>; settings: Pick<OrganizationSettings, 'default_shift' | 'require_driver'> },
): { ready: Vehicle[]; skipped: SkippedVehicle[] } {
  const ready: Vehicle[] = [];
  const skipped: SkippedVehicle[] = [];
  for (const v of fleet) {
    const reason: SkipReason | null = v.archived_at !== null
      ? 'archived'
      : context.busy.has(v.id)
        ? 'busy'
        : !v.start
          ? 'no_start'
          : !v.shift && !context.settings.default_shift
            ? 'no_shift'
            : context.settings.require_driver && !context.driverOf.has(v.id)
              ? 'no_driver'
              : null;
    if (reason) skipped.push({ vehicle_id: v.id, reason, message: MESSAGES[reason] });
    else ready.push(v);
  }
  return { ready, skipped };
}
