import { describe, expect, it } from 'vitest';
import { dailyWindowOn, isTimeZone, zonedClock, zonedDate, zonedInstant } from '../../src/util/zoned-time.js';

const iso = (ms: number): string => new Date(ms).toISOString();

describe('zoned time', () => {
  it('places a local time of day on a date, winter and summer', () => {
    expect(iso(zonedInstant('2026-12-05', '08:00', 'Europe/Tallinn'))).toBe('2026-12-05T06:00:00.000Z');
    expect(iso(zonedInstant('2026-05-08', '08:00', 'Europe/Tallinn'))).toBe('2026-05-08T05:00:00.000Z');
    expect(iso(zonedInstant('2026-05-08', '08:00', 'Asia/Kolkata'))).toBe('2026-05-08T02:30:00.000Z');
  });

  it('moves a time in the spring-forward gap forward, and takes the first of a repeated hour', () => {
    // Tallinn: 03:00 → 04:00 on 2026-03-29; 04:00 → 03:00 on 2026-10-25.
    expect(iso(zonedInstant('2026-03-29', '03:30', 'Europe/Tallinn'))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(zonedInstant('2026-10-25', '03:30', 'Europe/Tallinn'))).toBe('2026-10-25T00:30:00.000Z');
  });

  it('reads the local date and clock of an instant', () => {
    const ms = Date.parse('2026-12-04T23:30:00Z');
    expect(zonedDate(ms, 'Europe/Tallinn')).toBe('2026-12-05');
    expect(zonedClock(ms, 'Europe/Tallinn')).toBe('01:30');
    expect(zonedDate(ms, 'UTC')).toBe('2026-12-04');
  });

  it('rolls a night shift over to the next day', () => {
    const w = dailyWindowOn('2026-12-05', { from: '22:00', to: '06:00' }, 'America/New_York');
    expect(iso(w.fromMs)).toBe('2026-12-06T03:00:00.000Z');
    expect(iso(w.toMs)).toBe('2026-12-06T11:00:00.000Z');
  });

  it('knows IANA zones and refuses made-up ones', () => {
    expect(isTimeZone('Europe/Tallinn')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
