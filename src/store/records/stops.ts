import type { ArchivableListQuery, TimeWindow } from './common.js';

export type StopStatus = 'pending' | 'assigned' | 'en_route' | 'arrived' | 'completed' | 'failed' | 'cancelled';
export type StopType = 'delivery' | 'pickup';
export type PaymentMethod = 'prepaid' | 'cash' | 'card' | 'invoice' | 'other';

/** What the driver left as proof of a completed (or failed) visit. */
export interface ProofOfDelivery {
  note?: string | undefined;
  signee?: string | undefined;
  photo_urls?: string[] | undefined;
}

/** A stop as stored. */
export interface Stop {
  id: string;
  external_id: string | null;
  type: StopType;
  status: StopStatus;
  address: string | null;
  /** WGS 84 degrees. */
  lat: number;
  lng: number;
  customer_name: string | null;
  phone: string | null;
  notes: string | null;
  order_amount: number | null;
  payment_method: string | null;
  /** UTC ISO instants, sorted by `from`. */
  time_windows: TimeWindow[];
  service_duration_s: number;
  /** Per capacity dimension, in vehicles' `capacity` units. */
  demand: number[];
  /** 1..10. */
  priority: number;
  skills: string[];
  /** Service day, `YYYY-MM-DD`. */
  date: string | null;
  service_area_id: string | null;
  route_id: string | null;
  driver_id: string | null;
  failure_reason: string | null;
  failure_note: string | null;
  proof: ProofOfDelivery | null;
  /** When the stop was archived (hidden from lists, kept with its history); null while it is live. */
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Fields a create and a patch share; `null` clears a field on patch. Window ends may carry any offset. */
interface StopOptionalFields {
  address?: string | null | undefined;
  lat?: number | undefined;
  lng?: number | undefined;
  customer_name?: string | null | undefined;
  phone?: string | null | undefined;
  notes?: string | null | undefined;
  order_amount?: number | null | undefined;
  payment_method?: PaymentMethod | null | undefined;
  /** Service day; defaults to the local date of the first time window. */
  date?: string | null | undefined;
  external_id?: string | null | undefined;
}

export interface StopInput extends StopOptionalFields {
  time_windows: TimeWindow[];
  service_duration_s: number;
  demand: number[];
  priority: number;
  skills: string[];
  type: StopType;
}

export interface StopPatch extends StopOptionalFields {
  time_windows?: TimeWindow[] | undefined;
  service_duration_s?: number | undefined;
  demand?: number[] | undefined;
  priority?: number | undefined;
  skills?: string[] | undefined;
  type?: StopType | undefined;
}

/** One entry of a stop's `stop_history`; `from_status` is null for the creation entry. */
export interface StopHistoryEntry {
  from_status: StopStatus | null;
  to_status: StopStatus;
  details: Record<string, unknown>;
  /** `token:tok_...`, `driver:drv_...` or `system`. */
  actor: string;
  at: string;
}

export interface StopListQuery extends ArchivableListQuery {
  /** One status or a comma list. */
  status?: string | undefined;
  driver_id?: string | undefined;
  route_id?: string | undefined;
  date?: string | undefined;
  external_id?: string | undefined;
}
