/**
 * MAC and IPv4 addresses as canonical strings (lower-case `aa:bb:cc:dd:ee:ff`, dotted quad), so that
 * component contexts stay plain JSON and read the way `ip neigh` and `bridge fdb` print them.
 */

/**
 * A MAC address, lower-case, colon-separated.
 * @pattern ^[0-9a-f]{2}(:[0-9a-f]{2}){5}$
 */
export type Mac = string;
/**
 * An IPv4 address, dotted quad.
 * @pattern ^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$
 */
export type Ip = string;
/**
 * An IPv4 prefix in CIDR notation, `198.18.0.0/24`.
 * @pattern ^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/\d{1,2}$
 */
export type Cidr = string;

export const BROADCAST_MAC: Mac = 'ff:ff:ff:ff:ff:ff';
/** The all-zero MAC: the default-destination FDB entry of a Linux vxlan device (V3). */
export const ZERO_MAC: Mac = '00:00:00:00:00:00';

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const IP_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isMac(s: string): boolean {
  return MAC_RE.test(s);
}

/** Group bit (I/G) of the first octet: broadcast and multicast MACs. Bridges never learn them. */
export function isGroupMac(mac: Mac): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

export function isIp(s: string): boolean {
  const m = IP_RE.exec(s);
  return m?.slice(1).every((o) => Number(o) <= 255) ?? false;
}

export function ipToInt(ip: Ip): number {
  const m = IP_RE.exec(ip);
  if (!m || !isIp(ip)) throw new Error(`not an IPv4 address: ${ip}`);
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}

export function intToIp(n: number): Ip {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** A 48-bit integer as a MAC string. */
export function intToMac(n: number): Mac {
  const hex = n.toString(16).padStart(12, '0');
  return hex.match(/../g)!.join(':');
}

export function isCidr(s: string): boolean {
  const [ip, len, ...rest] = s.split('/');
  return (
    rest.length === 0 &&
    ip !== undefined &&
    isIp(ip) &&
    len !== undefined &&
    /^\d{1,2}$/.test(len) &&
    Number(len) <= 32
  );
}

function prefixMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

export function inSubnet(ip: Ip, cidr: Cidr): boolean {
  const [net, len] = cidr.split('/');
  const mask = prefixMask(Number(len));
  return (ipToInt(ip) & mask) >>> 0 === (ipToInt(net!) & mask) >>> 0;
}

/** The network address of a CIDR, e.g. `198.18.0.0/24` for `198.18.0.7/24`. */
export function networkOf(cidr: Cidr): Ip {
  const [ip, len] = cidr.split('/');
  return intToIp((ipToInt(ip!) & prefixMask(Number(len))) >>> 0);
}

/** The broadcast address of a CIDR, e.g. `198.18.0.255` for `198.18.0.7/24`. */
export function broadcastOf(cidr: Cidr): Ip {
  const [ip, len] = cidr.split('/');
  return intToIp((ipToInt(ip!) | ~prefixMask(Number(len))) >>> 0);
}

/** The prefix length of a CIDR. */
export function prefixLength(cidr: Cidr): number {
  return Number(cidr.split('/')[1]);
}

/** The prefix of H2's fake MACs (`model/network/wiring.ts` `fakeMacOf`): reserved, no topology may use it. */
export const FAKE_MAC_PREFIX = '0e:fa:ce:';

/** The whole address range every test address must come from (RFC 2544 benchmarking space). */
export const TEST_RANGE: Cidr = '198.18.0.0/15';
