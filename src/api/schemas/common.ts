import { z } from 'zod';
import { CLOCK_PATTERN, isTimeZone } from '../../util/zoned-time.js';

/** A resource id with its prefix, e.g. `stp_...`. */
export const idOf = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[a-z2-7]{20}$`), `must be a ${prefix}_ id`);

export const Lat = z.number().min(-90).max(90);
export const Lng = z.number().min(-180).max(180);
export const LatLng = z.strictObject({ lat: Lat, lng: Lng });

/** E.164: a plus, a country code, at most 15 digits in all. */
export const Phone = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number like +3725123456');

/** ISO 8601 with an explicit offset (`Z` or `+03:00`), so the instant is never ambiguous. */
export const IsoDateTime = z.iso.datetime({ offset: true });
export const IsoDate = z.iso.date();

export const TimeWindowInput = z
  .strictObject({ from: IsoDateTime, to: IsoDateTime })
  .refine((w) => Date.parse(w.from) <= Date.parse(w.to), { message: '`from` must not be after `to`', path: ['to'] });
export const TimeWindow = z.object({ from: z.string(), to: z.string() });

/** A local time of day, `HH:MM` (or `HH:MM:SS`), in the organization's zone. */
export const Clock = z.string().regex(CLOCK_PATTERN, 'must be a time of day like 08:00');

/** An IANA time zone the server knows (`Europe/Tallinn`, `UTC`). */
export const TimeZone = z.string().min(1).max(64).refine(isTimeZone, { message: 'must be an IANA time zone like Europe/Tallinn' });

/**
 * A daily window such as a shift: local times of day; `to` not after `from` rolls over to the next day (a night
 * shift). ISO date-times are accepted too and stand for their time of day in the organization's zone.
 */
export const DailyWindowInput = z.strictObject({ from: z.union([Clock, IsoDateTime]), to: z.union([Clock, IsoDateTime]) });

export const ExternalId = z.string().min(1).max(200);

/**
 * Request bodies and query strings are strict (`z.strictObject`): a field this operation does not know answers
 * 400 `unknown_field` naming it, rather than being dropped (a misspelt `time_window` must not store a stop that is
 * never planned). Answers are plain objects: clients must ignore fields they do not know.
 */
export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional(),
});

/**
 * Lists of stops, vehicles and drivers leave archived ones out; `include=archived` lists them too (each with its
 * `archived_at`). Any other value answers 400.
 */
export const Include = z.enum(['archived']).optional().describe('`archived`: list archived ones too (left out by default)');
export const ArchivableListQuery = ListQuery.extend({ include: Include });

export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), next_cursor: z.string().nullable() });

export const ErrorEnvelope = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown(), requestId: z.string() }),
});

/** Error answers every route may give; spread into `response`. */
export const errorResponses = {
  400: ErrorEnvelope,
  401: ErrorEnvelope,
  403: ErrorEnvelope,
  404: ErrorEnvelope,
  409: ErrorEnvelope,
  413: ErrorEnvelope,
  422: ErrorEnvelope,
  429: ErrorEnvelope,
} as const;

export const IdParams = z.object({ id: z.string().min(1).max(64) });

export const Deleted = z.object({ id: z.string(), deleted: z.literal(true) });

/** The answer to a DELETE that kept the resource as a record (other resources point at it) and archived it. */
export const Archived = z.object({ id: z.string(), deleted: z.literal(false), archived: z.literal(true), archived_at: z.string() });

/** DELETE of a vehicle or driver: `{ id, deleted: true }` when it is gone, the archived answer when it was kept. */
export const DeletedOrArchived = z.union([Deleted, Archived]);
