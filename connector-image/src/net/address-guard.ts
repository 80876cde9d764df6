// Which network addresses the connector may reach on behalf of someone else (a counter-party's
// callback address, a data backend URL, a push destination). Private, loopback, link-local and other
// special-purpose ranges are refused unless explicitly allowed, so a crafted URL cannot make the
// connector probe its own cluster or a cloud metadata service (SSRF). The check runs on the address
// actually connected to, after DNS, so a name that resolves to a private address is caught too.
import { BlockList, isIP } from 'node:net';

const SPECIAL_PURPOSE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) SPECIAL_PURPOSE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['100::', 64],
] as const) SPECIAL_PURPOSE.addSubnet(network, prefix, 'ipv6');

/** IPv4 embedded in an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const high = parseInt(hex[1] as string, 16);
  const low = parseInt(hex[2] as string, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True for private, loopback, link-local, multicast, documentation and other non-public addresses. */
export function isSpecialPurposeAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return SPECIAL_PURPOSE.check(address, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return SPECIAL_PURPOSE.check(v4, 'ipv4');
    return SPECIAL_PURPOSE.check(address, 'ipv6');
  }
  return true; // not an IP address: never treated as public
}

export function isLoopbackAddress(address: string): boolean {
  const v4 = isIP(address) === 6 ? embeddedIpv4(address) : address;
  if (v4 && isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}
