import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { ensureOrganization } from '../../src/store/organizations.js';
import { changeStopStatus } from '../../src/lifecycle/stop-status.js';
import { listStops, listStopsJson, upsertStopsAtomically } from '../../src/store/stops.js';

describe('listStopsJson', () => {
  it('is exactly listStops, serialized, for pages and filters', () => {
    const db = openDb(':memory:');
    const org = ensureOrganization(db, 'J').organization.id;
    const other = ensureOrganization(db, 'K').organization.id;
    const input = (i: number) => ({
      address: i % 2 ? `Street "${i}" ñ` : null,
      lat: 59.4 + i / 1000,
      lng: 24.123456789,
      customer_name: i % 3 ? `C${i}` : null,
      phone: '+3725123456',
      notes: null,
      order_amount: i % 2 ? 12.5 : null,
      payment_method: 'card' as const,
      time_windows: i % 4 ? [{ from: '2026-05-08T09:00:00+03:00', to: '2026-05-08T12:00:00+03:00' }] : [],
      service_duration_s: 300,
      demand: [i, 2.5],
      priority: 1 + (i % 10),
      skills: i % 5 ? [] : ['fridge'],
      type: 'delivery' as const,
      date: i % 2 ? '2026-05-09' : undefined,
      external_id: `e${i}`,
      service_area_id: null,
    });
    const made = upsertStopsAtomically(db, org, Array.from({ length: 25 }, (_, i) => input(i)));
    upsertStopsAtomically(db, other, [input(99)]);
    changeStopStatus(db, org, made[3]!.stop.id, 'cancelled', {}, 'system');
    for (const q of [
      { limit: 10 },
      { limit: 200 },
      { limit: 7, status: 'pending' },
      { limit: 50, status: 'pending,cancelled', date: '2026-05-09' },
      { limit: 5, external_id: 'e4' },
    ]) {
      let cursor: string | undefined;
      do {
        const page = listStops(db, org, { ...q, cursor });
        expect(JSON.parse(listStopsJson(db, org, { ...q, cursor }))).toEqual(page);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
    }
    db.close();
  });
});
