import { randomFillSync } from 'node:crypto';

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

/**
 * Random bytes drawn from a pool refilled 4 KB at a time: the same CSPRNG output as `randomBytes`, but one call
 * into the system generator per ~200 ids instead of one per id (a per-request id made it ~8 % of a small GET).
 */
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

/** `count` random characters from the lowercase base32 alphabet (5 bits of entropy each). */
export function randomBase32(count: number): string {
  if (count > POOL_SIZE) throw new RangeError(`at most ${POOL_SIZE} random characters at once`);
  if (poolOffset + count > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let out = '';
  for (let i = 0; i < count; i++) out += BASE32[pool[poolOffset + i]! & 31];
  // Consumed bytes are never handed out twice.
  poolOffset += count;
  return out;
}

/** `prefix_` + 20 random base32 characters (100 bits): unguessable, URL-safe, sortable only by chance. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase32(20)}`;
}
