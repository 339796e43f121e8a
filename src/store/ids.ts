import { randomBytes } from 'node:crypto';

/** Resource id prefixes; the part before `_` says what an id names. */
export type IdPrefix =
  | 'org'
  | 'tok'
  | 'dep'
  | 'veh'
  | 'drv'
  | 'stp'
  | 'rte'
  | 'job'
  | 'evt'
  | 'whk'
  | 'dlv'
  | 'area'
  | 'png';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** `count` random characters from the lowercase base32 alphabet (5 bits of entropy each). */
export function randomBase32(count: number): string {
  const bytes = randomBytes(count);
  let out = '';
  for (let i = 0; i < count; i++) out += BASE32[bytes[i]! & 31];
  return out;
}

/** `prefix_` + 20 random base32 characters (100 bits): unguessable, URL-safe, sortable only by chance. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase32(20)}`;
}
