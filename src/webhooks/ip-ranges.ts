import ipaddr from 'ipaddr.js';

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

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/**
 * ipaddr.js range names → our kinds. Public: `unicast`, and the anycast services AS112 and AMT. Any other name
 * (documentation, benchmarking, ORCHID, a range a later ipaddr.js adds) is `reserved`: the guard fails closed.
 */
const PUBLIC_RANGES = new Set(['unicast', 'as112', 'as112v6', 'amt']);
const KIND_OF_RANGE: Readonly<Record<string, NonPublicKind>> = {
  unspecified: 'unspecified',
  loopback: 'loopback',
  private: 'private',
  carrierGradeNat: 'shared',
  linkLocal: 'link_local',
  uniqueLocal: 'unique_local',
  deprecatedSiteLocal: 'private',
  multicast: 'multicast',
};

function kindOfRange(range: string): NonPublicKind | null {
  if (PUBLIC_RANGES.has(range)) return null;
  return KIND_OF_RANGE[range] ?? 'reserved';
}

function classifyIPv4(address: IPv4): NonPublicKind | null {
  return kindOfRange(address.range());
}

/** The IPv4 address in parts[i] and parts[i + 1] (16 bits each). */
function v4At(address: IPv6, i: number): IPv4 {
  const hi = address.parts[i] ?? 0;
  const lo = address.parts[i + 1] ?? 0;
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

const NAT64_LOCAL = ipaddr.IPv6.parse('64:ff9b:1::');

/**
 * The transition forms reach an IPv4 host; each is judged by that host, otherwise `[::ffff:127.0.0.1]` or
 * `[2002:7f00:1::]` would reach loopback. Where the embedded address cannot be trusted, the prefix is refused
 * outright: Teredo (2001::/32: the client's address is obfuscated, and the relay decides where it goes), the
 * local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215: where the IPv4 sits depends on the operator's prefix length,
 * and it only exists inside a private network), and the deprecated IPv4-compatible ::/96.
 */
function classifyIPv6(address: IPv6): NonPublicKind | null {
  if (address.isIPv4MappedAddress()) return classifyIPv4(address.toIPv4Address()); // ::ffff:a.b.c.d
  const range = address.range();
  switch (range) {
    case 'rfc6145': // ::ffff:0:a.b.c.d (IPv4-translated)
      return classifyIPv4(v4At(address, 6));
    case 'rfc6052': // 64:ff9b::a.b.c.d (NAT64 well-known prefix)
      return address.match(NAT64_LOCAL, 48) ? 'private' : classifyIPv4(v4At(address, 6));
    case '6to4': // 2002:AABB:CCDD::/48 carries a.b.c.d in bits 16-48
      return classifyIPv4(v4At(address, 1));
    case 'teredo':
      return 'reserved';
    case 'unicast':
      // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291); :: and ::1 have ranges of their own.
      return address.parts.slice(0, 6).every((p) => p === 0) ? 'reserved' : null;
    default:
      return kindOfRange(range);
  }
}

/**
 * Why `address` (an IP literal, IPv6 without brackets, optionally with a zone) is not a public unicast address,
 * or null when it is public. Anything that is not a valid IP is reported as 'reserved' so callers fail closed.
 */
export function nonPublicKind(address: string): NonPublicKind | null {
  if (!ipaddr.isValid(address)) return 'reserved';
  const parsed = ipaddr.parse(address);
  return parsed instanceof ipaddr.IPv4 ? classifyIPv4(parsed) : classifyIPv6(parsed);
}

/** IPv6 text (optionally with a zone or a trailing dotted quad) to its eight 16-bit groups; null when invalid. */
export function parseIPv6(text: string): number[] | null {
  return ipaddr.IPv6.isValid(text) ? ipaddr.IPv6.parse(text).parts : null;
}
