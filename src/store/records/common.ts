/** Shapes several records share. */

/** A point in WGS 84 degrees. */
export interface LatLng {
  lat: number;
  lng: number;
}

/** A time window, both ends ISO 8601 instants (stored in UTC), `from <= to`. */
export interface TimeWindow {
  from: string;
  to: string;
}

/** One page of a list: `next_cursor` is null on the last page. */
export interface ListQuery {
  /** Rows per page, 1..200. */
  limit: number;
  /** Opaque, from the previous page's `next_cursor`. */
  cursor?: string | undefined;
}

/** How a delete of a vehicle or driver ended: the row is gone, or it is kept (archived) for the records naming it. */
export type Retirement = { deleted: true } | { deleted: false; archived_at: string };

/** A list of a resource that can be archived: archived rows are left out unless `include` is `archived`. */
export interface ArchivableListQuery extends ListQuery {
  include?: 'archived' | undefined;
}
