import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { driverFrame, parseDriverFrame, parseFrame } from '../../src/tracking/messages.js';

const goodPing = { type: 'ping', seq: 7, lat: 52.5, lng: 13.4, ts: '2026-11-25T00:10:00.123Z', speed_mps: 8 };

describe('parseDriverFrame (hand-checked pings, zod for the rest)', () => {
  it('returns the same frame or error as the zod schema for well-formed and broken pings', () => {
    const value = fc.oneof(
      fc.double({ min: -400, max: 400, noNaN: true }),
      fc.integer({ min: -5, max: 2 ** 54 }),
      fc.constantFrom(null, 'x', true, undefined, [], {}),
    );
    const ts = fc.constantFrom(
      '2026-11-25T00:10:00Z',
      '2026-11-25T00:10:00.5+01:00',
      '2026-02-30T00:10:00Z',
      '2026-11-25 00:10:00Z',
      '2026-11-25T24:00:00Z',
      '2026-11-25T00:10:00',
      42,
    );
    const frame = fc.record(
      {
        type: fc.constantFrom('ping', 'stop_event', 'pong'),
        seq: value,
        lat: value,
        lng: value,
        ts,
        speed_mps: value,
        heading: value,
        accuracy_m: value,
        battery_pct: value,
        extra: value,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(frame, (f) => {
        const raw = JSON.stringify(f);
        expect(parseDriverFrame(raw)).toEqual(parseFrame(raw, driverFrame));
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts a normal ping without changing it and refuses unknown keys as zod does', () => {
    expect(parseDriverFrame(JSON.stringify(goodPing))).toEqual({ ok: true, frame: goodPing });
    expect(parseDriverFrame(JSON.stringify({ ...goodPing, extra: 1 }))).toMatchObject({ ok: false, error: { code: 'unknown_field', seq: 7 } });
  });

  it('names the problem of a bad ping and of bad JSON', () => {
    expect(parseDriverFrame(JSON.stringify({ ...goodPing, lat: 91 }))).toMatchObject({
      ok: false,
      error: { type: 'error', seq: 7, code: 'invalid_frame' },
    });
    expect(parseDriverFrame('{"type":"ping"')).toEqual({
      ok: false,
      error: { type: 'error', code: 'invalid_json', message: 'frame is not valid JSON' },
    });
  });
});

describe('unknown fields', () => {
  it('refuses a frame with a field the protocol does not know, naming it', async () => {
    const { parseDriverFrame, parseFrame, subscribeFrame } = await import('../../src/tracking/messages.js');
    const ping = parseDriverFrame(JSON.stringify({ type: 'ping', seq: 3, lat: 1, lng: 2, ts: '2026-05-08T09:00:00Z', battery: 50 }));
    expect(ping).toEqual({ ok: false, error: { type: 'error', seq: 3, code: 'unknown_field', message: 'unknown field battery' } });
    const sub = parseFrame(JSON.stringify({ type: 'subscribe', all: true, driver: ['drv_x'] }), subscribeFrame);
    expect(sub.ok).toBe(false);
    if (!sub.ok) expect(sub.error.code).toBe('unknown_field');
  });
});
