import { describe, expect, it } from 'vitest';
import { isoOf } from '../../src/tracking/iso.js';

describe('isoOf', () => {
  it('gives exactly what Date#toISOString gives', () => {
    const cases = [
      Date.UTC(2000, 0, 1),
      Date.UTC(2099, 11, 31, 23, 59, 59, 999),
      Date.UTC(2024, 1, 29, 12, 0, 0, 5),
      Date.UTC(2026, 10, 25, 0, 0, 0, 0) - 1,
      Date.UTC(1999, 11, 31, 23, 59, 59, 999),
      Date.UTC(2100, 0, 1),
      0,
      -1,
      8.64e15,
      Date.now(),
      Date.now() + 0.5,
    ];
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const ms = Date.UTC(1990, 0, 1) + (seed / 2 ** 31) * 130 * 365.25 * 86_400_000;
      cases.push(Math.floor(ms), ms);
    }
    for (const ms of cases) expect(isoOf(ms)).toBe(new Date(ms).toISOString());
  });
});
