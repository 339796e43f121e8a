export type DriverStatus = 'active' | 'inactive';

/** A driver as stored. */
export interface Driver {
  id: string;
  external_id: string | null;
  name: string;
  /** E.164. */
  phone: string | null;
  status: DriverStatus;
  vehicle_id: string | null;
  /** Last GPS fix from live tracking (`at`: ISO instant); re-optimization restarts from it. */
  last_position: { lat: number; lng: number; at: string } | null;
  /** When the driver was archived (they had routes or stops when deleted; status is then `inactive`); null while live. */
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface DriverInput {
  name: string;
  phone?: string | null | undefined;
  status: DriverStatus;
  vehicle_id?: string | null | undefined;
  external_id?: string | null | undefined;
}

/** `null` clears a field; an absent field is kept. */
export interface DriverPatch {
  name?: string | undefined;
  phone?: string | null | undefined;
  status?: DriverStatus | undefined;
  vehicle_id?: string | null | undefined;
  external_id?: string | null | undefined;
}
