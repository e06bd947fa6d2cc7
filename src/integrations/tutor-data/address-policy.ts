import { isIP } from 'node:net';

/**
 * Which addresses an outbound fetch may connect to. Everything that reaches inside our network or the
 * host itself is refused: private and shared (CGNAT) ranges, loopback, link-local (the cloud metadata
 * service at 169.254.169.254 among them), unique-local, unspecified, multicast and broadcast, and the
 * reserved and documentation ranges nothing public lives in. IPv6 forms that carry an IPv4 address
 * (IPv4-mapped, NAT64, 6to4) are judged by the IPv4 address they carry.
 */
export type AddressClass =
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'unique-local'
  | 'shared'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'invalid';

/** `null` when the address may be connected to, otherwise the class that refuses it. */
export type AddressPolicy = (address: string) => AddressClass | null;

interface Range {
  bytes: number[];
  prefix: number;
  class: AddressClass;
}

const v4 = (cidr: string, cls: AddressClass): Range => {
  const [address, prefix] = cidr.split('/') as [string, string];
  return { bytes: address.split('.').map(Number), prefix: Number(prefix), class: cls };
};

const v6 = (cidr: string, cls: AddressClass): Range => {
  const [address, prefix] = cidr.split('/') as [string, string];
  return { bytes: parseIpv6(address)!, prefix: Number(prefix), class: cls };
};

/** Most specific first where ranges nest (broadcast inside 240/4, local NAT64 inside ::/8). */
const IPV4_RANGES: Range[] = [
  v4('255.255.255.255/32', 'broadcast'),
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'shared'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'),
  v4('192.0.2.0/24', 'reserved'),
  v4('192.88.99.0/24', 'reserved'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'reserved'),
  v4('198.51.100.0/24', 'reserved'),
  v4('203.0.113.0/24', 'reserved'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
];

const IPV6_RANGES: Range[] = [
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  v6('64:ff9b:1::/48', 'private'),
  // The rest of ::/8 (IPv4-compatible and other deprecated forms); IPv4-mapped and NAT64 are unwrapped first.
  v6('::/8', 'reserved'),
  v6('100::/64', 'reserved'),
  v6('2001::/23', 'reserved'),
  v6('2001:db8::/32', 'reserved'),
  v6('fc00::/7', 'unique-local'),
  v6('fe80::/10', 'link-local'),
  v6('fec0::/10', 'reserved'),
  v6('ff00::/8', 'multicast'),
];

/**
 * The class of an address that must not be connected to, or `null` for a public one. Takes the forms
 * `dns.lookup` and URL hosts produce: dotted IPv4, IPv6 with or without brackets or a zone. Anything that
 * is not an IP address is `invalid`.
 */
export function classifyAddress(address: string): AddressClass | null {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return classifyIpv4(bare.split('.').map(Number));
  if (family !== 6) return 'invalid';
  const bytes = parseIpv6(bare);
  if (!bytes) return 'invalid';
  const embedded = embeddedIpv4(bytes);
  if (embedded) return classifyIpv4(embedded);
  return IPV6_RANGES.find((range) => inRange(bytes, range))?.class ?? null;
}

/** The production policy: every public address, nothing else. */
export const publicAddressesOnly: AddressPolicy = classifyAddress;

function classifyIpv4(bytes: number[]): AddressClass | null {
  return IPV4_RANGES.find((range) => inRange(bytes, range))?.class ?? null;
}

/** The IPv4 address an IPv6 address stands for: IPv4-mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96), 6to4. */
function embeddedIpv4(bytes: number[]): number[] | null {
  const startsWith = (prefix: number[]) => prefix.every((byte, index) => bytes[index] === byte);
  if (startsWith([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff])) return bytes.slice(12);
  if (startsWith([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return bytes.slice(12);
  if (startsWith([0x20, 0x02])) return bytes.slice(2, 6);
  return null;
}

function inRange(bytes: number[], range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  let bits = range.prefix;
  for (let index = 0; bits > 0; index++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[index]! & mask) !== (range.bytes[index]! & mask)) return false;
  }
  return true;
}

/** 16 bytes of an IPv6 address (`::`, embedded dotted IPv4 and hex groups), or null when malformed. */
export function parseIpv6(address: string): number[] | null {
  let text = address;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const quad = text.slice(lastColon + 1);
    if (isIP(quad) !== 4) return null;
    const [a, b, c, d] = quad.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  const bytes: number[] = [];
  for (const group of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    const value = Number.parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  return bytes;
}
