/**
 * The WebSocket frames, validated with zod at the edge. Driver → server: `ping`, `stop_event`.
 * Server → driver: `ack`, `error`. Dispatcher → server: `subscribe`. Server → dispatcher: `driver.update`,
 * `driver.status`, `error`. Frames are strict: a field the protocol does not know is refused (`unknown_field`),
 * never dropped, so a client's typo (`battery` for `battery_pct`) shows at once.
 */
import { z } from 'zod';

const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const pingFrame = z.strictObject({
  type: z.literal('ping'),
  seq,
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  ts: z.iso.datetime({ offset: true }),
  speed_mps: z.number().min(0).max(200).optional(),
  heading: z.number().min(0).max(360).optional(),
  accuracy_m: z.number().min(0).max(100_000).optional(),
  battery_pct: z.number().min(0).max(100).optional(),
});

export const stopEventFrame = z.strictObject({
  type: z.literal('stop_event'),
  seq,
  stop_id: z.string().min(1).max(64),
  event: z.enum(['arrived', 'completed', 'failed']),
  /** When it happened on the device; the server's receive time when absent. */
  ts: z.iso.datetime({ offset: true }).optional(),
  reason: z.string().min(1).max(200).optional(),
  note: z.string().max(2000).optional(),
  pod: z
    .strictObject({
      note: z.string().max(2000).optional(),
      signee: z.string().max(200).optional(),
      photo_urls: z.array(z.url()).max(20).optional(),
    })
    .optional(),
});

export const driverFrame = z.discriminatedUnion('type', [pingFrame, stopEventFrame]);

export const subscribeFrame = z.strictObject({
  type: z.literal('subscribe'),
  /** Every driver of the organization. */
  all: z.boolean().optional(),
  drivers: z.array(z.string().min(1).max(64)).max(10_000).optional(),
  routes: z.array(z.string().min(1).max(64)).max(10_000).optional(),
});

export const dispatcherFrame = z.discriminatedUnion('type', [subscribeFrame]);

export type PingFrame = z.infer<typeof pingFrame>;
export type StopEventFrame = z.infer<typeof stopEventFrame>;
export type DriverFrame = z.infer<typeof driverFrame>;
export type SubscribeFrame = z.infer<typeof subscribeFrame>;

export interface AckFrame {
  type: 'ack';
  seq: number;
}

export interface ErrorFrame {
  type: 'error';
  /** Present when the error answers one message. */
  seq?: number;
  code: string;
  message: string;
}

export type ParsedFrame<T> = { ok: true; frame: T } | { ok: false; error: ErrorFrame };

/** The exact pattern zod checks `ts` against, so the fast path below accepts no string zod would refuse. */
const TS_PATTERN: RegExp = pingFrame.shape.ts._zod.def.pattern ?? /(?!)/;
const PING_KEYS = new Set(['type', 'seq', 'lat', 'lng', 'ts', 'speed_mps', 'heading', 'accuracy_m', 'battery_pct']);

function inRange(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && v >= min && v <= max;
}

function optionalInRange(v: unknown, min: number, max: number): boolean {
  return v === undefined || inRange(v, min, max);
}

/**
 * The common case of the hot path checked by hand: a well-formed ping with only known keys. Returns a frame
 * equal to zod's (the parsed object itself: it holds nothing else), or undefined when anything is off, in which case zod
 * decides and names the problem. Every condition here is one of `pingFrame`'s, so both agree on what passes.
 */
function fastPing(j: Record<string, unknown>): PingFrame | undefined {
  if (j.type !== 'ping') return undefined;
  const { seq: s, lat, lng, ts } = j;
  if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0) return undefined;
  if (!inRange(lat, -90, 90) || !inRange(lng, -180, 180) || typeof ts !== 'string' || !TS_PATTERN.test(ts)) return undefined;
  for (const k in j) {
    if (!PING_KEYS.has(k)) return undefined;
  }
  const { speed_mps, heading, accuracy_m, battery_pct } = j;
  if (!optionalInRange(speed_mps, 0, 200) || !optionalInRange(heading, 0, 360)) return undefined;
  if (!optionalInRange(accuracy_m, 0, 100_000) || !optionalInRange(battery_pct, 0, 100)) return undefined;
  // Only known keys, every value checked: the parsed object itself is the frame (zod would copy it field by field).
  return j as PingFrame;
}

function parseJson(raw: string): { ok: true; json: unknown } | { ok: false; error: ErrorFrame } {
  try {
    return { ok: true, json: JSON.parse(raw) };
  } catch {
    return { ok: false, error: { type: 'error', code: 'invalid_json', message: 'frame is not valid JSON' } };
  }
}

/** A driver frame: pings that pass the hand check skip zod; anything else goes through `driverFrame`. */
export function parseDriverFrame(raw: string): ParsedFrame<DriverFrame> {
  const parsed = parseJson(raw);
  if (!parsed.ok) return parsed;
  const json = parsed.json;
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const ping = fastPing(json as Record<string, unknown>);
    if (ping !== undefined) return { ok: true, frame: ping };
  }
  return validateFrame(json, driverFrame);
}

/** Parses raw text into a frame of `schema`, or an `error` frame naming what was wrong. */
export function parseFrame<T>(raw: string, schema: z.ZodType<T>): ParsedFrame<T> {
  const parsed = parseJson(raw);
  return parsed.ok ? validateFrame(parsed.json, schema) : parsed;
}

function validateFrame<T>(json: unknown, schema: z.ZodType<T>): ParsedFrame<T> {
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, frame: result.data };
  const seqValue =
    typeof json === 'object' && json !== null && 'seq' in json && typeof json.seq === 'number' ? json.seq : undefined;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  const unknownType =
    typeof json === 'object' && json !== null && 'type' in json && issue?.path.join('.') === 'type';
  const unknownKeys = issue?.code === 'unrecognized_keys' ? issue.keys : null;
  const error: ErrorFrame = {
    type: 'error',
    code: unknownType ? 'unknown_type' : unknownKeys ? 'unknown_field' : 'invalid_frame',
    message: unknownKeys ? `${where}unknown field${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.join(', ')}` : `${where}${issue?.message ?? 'invalid frame'}`,
  };
  if (seqValue !== undefined) error.seq = seqValue;
  return { ok: false, error };
}
