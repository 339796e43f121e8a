import { isIP } from 'node:net';

/** Why an address is not a public unicast destination. */
export type NonPublicKind =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link_local'
  | 'unique_local'
  | 'multicast'
  | 'reserved';

/** An IPv4 range as [first octets' 32-bit value, prefix length]. */
interface V4Range {
  base: number;
  prefix: number;
  kind: NonPublicKind;
}

function v4(text: string, prefix: number, kind: NonPublicKind): V4Range {
  return { base: parseIPv4(text) ?? 0, prefix, kind };
}

// Ordered most specific first is not needed: the ranges do not overlap.
const V4_RANGES: readonly V4Range[] = [
  v4('0.0.0.0', 8, 'unspecified'),
  v4('10.0.0.0', 8, 'private'),
  v4('100.64.0.0', 10, 'shared'),
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link_local'),
  v4('172.16.0.0', 12, 'private'),
  v4('192.0.0.0', 24, 'reserved'),
  v4('192.0.2.0', 24, 'reserved'),
  v4('192.168.0.0', 16, 'private'),
  v4('198.18.0.0', 15, 'reserved'),
  v4('198.51.100.0', 24, 'reserved'),
  v4('203.0.113.0', 24, 'reserved'),
  v4('224.0.0.0', 4, 'multicast'),
  v4('240.0.0.0', 4, 'reserved'),
];

/** Dotted quad to an unsigned 32-bit number; null when not exactly four decimal octets. */
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

/** IPv6 text (optionally with a zone and a trailing dotted quad) to its eight 16-bit groups; null when invalid. */
export function parseIPv6(text: string): number[] | null {
  const zoneAt = text.indexOf('%');
  let rest = zoneAt >= 0 ? text.slice(0, zoneAt) : text;
  if (isIP(rest) !== 6) return null;
  const lastColon = rest.lastIndexOf(':');
  const last = rest.slice(lastColon + 1);
  if (last.includes('.')) {
    // A trailing dotted quad (::ffff:1.2.3.4) is the last two groups written in decimal.
    const quad = parseIPv4(last);
    if (quad === null) return null;
    rest = `${rest.slice(0, lastColon + 1)}${Math.floor(quad / 65536).toString(16)}:${(quad % 65536).toString(16)}`;
  }
  const doubleAt = rest.indexOf('::');
  const toGroups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  let groups: number[];
  if (doubleAt >= 0) {
    const head = toGroups(rest.slice(0, doubleAt));
    const back = toGroups(rest.slice(doubleAt + 2));
    const missing = 8 - head.length - back.length;
    if (missing < 0) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...back];
  } else {
    groups = toGroups(rest);
  }
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return null;
  return groups;
}

function classifyIPv4(value: number): NonPublicKind | null {
  for (const range of V4_RANGES) {
    const size = 2 ** (32 - range.prefix);
    if (value >= range.base && value < range.base + size) return range.kind;
  }
  return null;
}

/** Does `groups` start with the bits of `prefixGroups` over `prefixBits`? */
function hasPrefix(groups: readonly number[], prefixGroups: readonly number[], prefixBits: number): boolean {
  for (let i = 0; i * 16 < prefixBits; i++) {
    const bits = Math.min(16, prefixBits - i * 16);
    const mask = (0xffff << (16 - bits)) & 0xffff;
    if (((groups[i] ?? 0) & mask) !== ((prefixGroups[i] ?? 0) & mask)) return false;
  }
  return true;
}

function classifyIPv6(groups: readonly number[]): NonPublicKind | null {
  const embeddedV4 = (): number => (groups[6] ?? 0) * 65536 + (groups[7] ?? 0);
  if (groups.every((g) => g === 0)) return 'unspecified';
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) reach an IPv4 host:
  // judge them by that host, otherwise `[::ffff:127.0.0.1]` would slip through.
  if (hasPrefix(groups, [0, 0, 0, 0, 0, 0xffff], 96)) return classifyIPv4(embeddedV4());
  if (hasPrefix(groups, [0, 0, 0, 0, 0, 0], 96)) return classifyIPv4(embeddedV4());
  if (hasPrefix(groups, [0x64, 0xff9b, 0, 0, 0, 0], 96)) return classifyIPv4(embeddedV4());
  if (hasPrefix(groups, [0xfc00], 7)) return 'unique_local';
  if (hasPrefix(groups, [0xfe80], 10)) return 'link_local';
  if (hasPrefix(groups, [0xfec0], 10)) return 'private';
  if (hasPrefix(groups, [0xff00], 8)) return 'multicast';
  if (hasPrefix(groups, [0x2001, 0x0db8], 32)) return 'reserved';
  return null;
}

/**
 * Why `address` (an IP literal, IPv6 without brackets) is not a public unicast address, or null when it is public.
 * Anything that is not a valid IP is reported as 'reserved' so callers fail closed.
 */
export function nonPublicKind(address: string): NonPublicKind | null {
  const v4value = parseIPv4(address);
  if (v4value !== null) return classifyIPv4(v4value);
  const groups = parseIPv6(address);
  if (groups !== null) return classifyIPv6(groups);
  return 'reserved';
}
