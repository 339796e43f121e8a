import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/formats/detect.js';
import { readProblem } from '../../src/formats/read-problem.js';

const read = (p: string) => readFileSync(new URL(`../../data/${p}`, import.meta.url), 'utf8');

describe('format detection', () => {
  it('recognises each format by content', () => {
    expect(detectFormat(read('solomon/RC204.txt'))).toBe('solomon');
    expect(detectFormat(read('cvrp/X-n502-k39.vrp'))).toBe('cvrplib');
    expect(detectFormat('  {"jobs": [], "vehicles": []}')).toBe('json');
    expect(detectFormat('hello world')).toBeUndefined();
  });

  it('reads every bundled instance', () => {
    for (const name of ['solomon/C101.txt', 'solomon/R211.txt', 'cvrp/X-n1001-k43.vrp']) {
      const result = readProblem(read(name));
      expect(result.ok, name).toBe(true);
    }
  });

  it('ignores a byte-order mark', () => {
    const result = readProblem('\uFEFF{"jobs": [], "vehicles": [{"id": "v"}]}');
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.format).toBe('json');
  });

  it('refuses unknown content and honours a forced format', () => {
    const unknown = readProblem('hello world');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.code).toBe('unknown_format');
    const forced = readProblem(read('solomon/C101.txt'), 'cvrplib');
    expect(forced.ok).toBe(false);
    if (!forced.ok) expect(forced.error.code).toBe('malformed_cvrplib');
  });
});
