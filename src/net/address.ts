/**
 * Classification of destinations: which addresses and names the outbound guard refuses by
 * default, and why. Ranges follow the IANA special-purpose registries; IPv6 forms that carry an
 * IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) are judged by the IPv4 they carry.
 */
import { type Ip, inPrefix, parseIp } from './ip.js';
import { type BlockReason, InvalidDestinationError } from './errors.js';

export type AddressClass = 'public' | BlockReason;

type Range = readonly [cidr: string, reason: BlockReason];

// Order matters: the first match wins, so single metadata addresses precede their ranges.
const V4: readonly Range[] = [
  ['169.254.169.254/32', 'metadata'], // AWS, GCP, Azure, OpenStack, DigitalOcean…
  ['169.254.170.2/32', 'metadata'], // AWS ECS task metadata
  ['169.254.170.23/32', 'metadata'], // AWS EKS pod identity
  ['100.100.100.200/32', 'metadata'], // Alibaba Cloud
  ['192.0.0.192/32', 'metadata'], // Oracle Cloud
  ['168.63.129.16/32', 'metadata'], // Azure WireServer (a public-looking platform address)
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'private'], // carrier-grade NAT
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'], // IETF protocol assignments
  ['192.0.2.0/24', 'reserved'], // documentation
  ['192.88.99.0/24', 'reserved'], // 6to4 relay anycast (deprecated)
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'], // benchmarking
  ['198.51.100.0/24', 'reserved'], // documentation
  ['203.0.113.0/24', 'reserved'], // documentation
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'],
];

const V6: readonly Range[] = [
  ['fd00:ec2::254/128', 'metadata'], // AWS IMDS over IPv6
  ['fd00:ec2::23/128', 'metadata'], // AWS EKS pod identity
  ['fd20:ce::254/128', 'metadata'], // GCP metadata over IPv6
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'private'], // local-use NAT64 (RFC 8215): never global
  ['100::/64', 'reserved'], // discard-only
  ['2001:2::/48', 'reserved'], // benchmarking
  ['2001:10::/28', 'reserved'], // ORCHID
  ['2001:20::/28', 'reserved'], // ORCHIDv2
  ['2001:db8::/32', 'reserved'], // documentation
  ['3fff::/20', 'reserved'], // documentation (RFC 9637)
  ['fc00::/7', 'private'], // unique local
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'private'], // site-local (deprecated)
  ['ff00::/8', 'multicast'],
];

type ParsedRange = { base: Ip; bits: number; reason: BlockReason };

function compile(ranges: readonly Range[]): ParsedRange[] {
  return ranges.map(([cidr, reason]) => {
    const [addr, bits] = cidr.split('/');
    return { base: parseIp(addr)!, bits: Number(bits), reason };
  });
}
const V4_RANGES = compile(V4);
const V6_RANGES = compile(V6);
const GLOBAL_UNICAST = parseIp('2000::')!;

const v4From = (hi: number, lo: number): Ip => ({ v: 4, n: hi * 65536 + lo });

/**
 * The IPv4 addresses an IPv6 address stands for, if any: IPv4-mapped (::ffff:0:0/96),
 * IPv4-translated (::ffff:0:0:0/96), IPv4-compatible (::/96), NAT64 (64:ff9b::/96), 6to4
 * (2002::/16) and Teredo (2001::/32: the obfuscated client and the server).
 */
export function embeddedIPv4(ip: Ip): Ip[] {
  if (ip.v === 4) return [];
  const g = ip.g;
  const zero = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && g[5] === 0xffff) return [v4From(g[6], g[7])];
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return [v4From(g[6], g[7])];
  if (zero(0, 6)) return [v4From(g[6], g[7])];
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return [v4From(g[6], g[7])];
  if (g[0] === 0x2002) return [v4From(g[1], g[2])];
  if (g[0] === 0x2001 && g[1] === 0) {
    return [v4From(g[6] ^ 0xffff, g[7] ^ 0xffff), v4From(g[2], g[3])];
  }
  return [];
}

/** Classifies a parsed address (see `classifyAddress`). */
export function classifyIp(ip: Ip): AddressClass {
  if (ip.v === 4) return V4_RANGES.find((r) => inPrefix(ip, r.base, r.bits))?.reason ?? 'public';
  const hit = V6_RANGES.find((r) => inPrefix(ip, r.base, r.bits));
  if (hit) return hit.reason;
  const embedded = embeddedIPv4(ip);
  for (const v4 of embedded) {
    const c = classifyIp(v4);
    if (c !== 'public') return c;
  }
  if (embedded.length > 0) return 'public';
  // Everything outside 2000::/3 is unassigned or special: nothing public lives there.
  return inPrefix(ip, GLOBAL_UNICAST, 3) ? 'public' : 'reserved';
}

/**
 * Classifies an IP address in any spelling `parseHostLiteral` accepts: `'public'`, or the
 * reason the guard refuses it by default.
 * @throws InvalidDestinationError when `ip` is not an IP address.
 */
export function classifyAddress(ip: string): AddressClass {
  const parsed = parseIp(ip);
  if (!parsed)
    throw new InvalidDestinationError(`cannot classify ${JSON.stringify(ip)}: not an IP address`);
  return classifyIp(parsed);
}

// Names that always mean this host or a metadata service, refused before any resolution.
const LOOPBACK_NAMES = new Set([
  'localhost',
  'localhost.localdomain',
  'ip6-localhost',
  'ip6-loopback',
]);
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.azure.internal',
]);

/**
 * The reason a host NAME is refused before resolution (`localhost`, `*.localhost`, metadata
 * service names), or undefined. `name` must already be normalised (`normaliseHostName`).
 */
export function classifyName(name: string): BlockReason | undefined {
  if (LOOPBACK_NAMES.has(name) || name.endsWith('.localhost')) return 'loopback';
  if (METADATA_NAMES.has(name)) return 'metadata';
  return undefined;
}
