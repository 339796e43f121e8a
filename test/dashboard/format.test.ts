import { describe, expect, it } from 'vitest';
// @ts-expect-error plain browser module without type declarations
import { clockTime, setDisplayDay, setDisplayZone } from '../../src/dashboard/public/format.js';

describe('dashboard times', () => {
  it("shows times in the organization's zone, with the date when not on the day shown", () => {
    setDisplayZone('Europe/Tallinn');
    setDisplayDay('2026-12-05');
    expect(clockTime('2026-12-05T06:03:00.000Z')).toBe('08:03');
    // 23:30 UTC on the 5th is already the 6th in Tallinn.
    expect(clockTime('2026-12-05T23:30:00.000Z')).toBe('06-12 01:30');
    expect(clockTime('2026-12-04T21:00:00.000Z')).toBe('04-12 23:00');
    setDisplayZone('America/New_York');
    expect(clockTime('2026-12-05T14:00:00.000Z')).toBe('09:00');
    expect(clockTime(null)).toBe('–');
  });
});
