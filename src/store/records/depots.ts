/** A depot as stored: a named place vehicles start or end at (WGS 84 degrees). */
export interface Depot {
  id: string;
  external_id: string | null;
  name: string;
  address: string | null;
  lat: number;
  lng: number;
  created_at: string;
  updated_at: string;
}

export interface DepotInput {
  name: string;
  address?: string | null | undefined;
  lat: number;
  lng: number;
  external_id?: string | null | undefined;
}

/** Any subset of a create's fields. */
export type DepotPatch = Partial<DepotInput>;
