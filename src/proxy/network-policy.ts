import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { ProviderAddressRefusedError } from './errors.js';

/**
 * Addresses the proxy never connects to unless the provider was declared with
 * `api.allowPrivateNetwork`: this host, private networks, link-local (cloud metadata lives at
 * 169.254.169.254 and fd00:ec2::254), shared and reserved ranges.
 */
const REFUSED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT (Alibaba's metadata is 100.100.100.200)
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  REFUSED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 reaches IPv4 space, private ranges included
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  REFUSED.addSubnet(network, prefix, 'ipv6');
}

/** True for an address the proxy may connect to without allowPrivateNetwork. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !REFUSED.check(address, 'ipv4');
  if (family !== 6) return false;
  // IPv4-mapped and -compatible forms (::ffff:127.0.0.1) are judged as the IPv4 address they carry.
  const mapped = /^::(ffff(:0)?:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[3]!);
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hexMapped) {
    const high = Number.parseInt(hexMapped[1]!, 16);
    const low = Number.parseInt(hexMapped[2]!, 16);
    return isPublicAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  return !REFUSED.check(address, 'ipv6');
}

/** An IP literal host (brackets stripped) is judged before any connection; names wait for DNS. */
export function assertHostAllowed(hostname: string): void {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !isPublicAddress(host)) throw new ProviderAddressRefusedError(host, host);
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * `lookup` for the sockets of a provider's pool: resolves every address and refuses the connection
 * when any of them is refused, so a DNS answer cannot point the hub inward (nor can rebinding
 * between a check and the connect: this is the resolution the socket uses).
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  const query: LookupAllOptions = { ...options, all: true } as LookupAllOptions;
  dnsLookup(hostname, query, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.find((entry) => !isPublicAddress(entry.address));
    if (refused) {
      return callback(Object.assign(new ProviderAddressRefusedError(hostname, refused.address)), []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}
