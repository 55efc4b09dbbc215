/**
 * Which download links the client may fetch. A pre-signed link comes from whoever answers at VENICE_BASE_URL, so it
 * is input like any other: https only, except a link on the configured API host itself (the simulator and test
 * servers hand out http links on loopback); never a private, link-local or loopback address reached under another
 * name (checked on the addresses the name resolves to, at connect time, so a rebinding name cannot slip past);
 * and never a redirect to another host.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10],
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, bits, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped, -compatible or NAT64 IPv6 address, if it is one. */
function embeddedV4(ip: string): string | undefined {
  const lower = ip.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex?.[1] && hex[2]) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return undefined;
}

/** True for an address on the public internet; false for loopback, private, link-local, reserved or unparsable. */
export function isPublicAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return !blocked.check(bare, 'ipv4');
  if (family !== 6) return false;
  const v4 = embeddedV4(bare);
  if (v4) return isIP(v4) === 4 && !blocked.check(v4, 'ipv4');
  return !blocked.check(bare, 'ipv6');
}

export class DownloadUrlRefused extends Error {
  override readonly name = 'DownloadUrlRefused';
}

function origin(u: URL): string {
  return `${u.protocol}//${u.host}`;
}

/**
 * Checks a link before anything is sent. Returns whether it is on the API host itself (trusted as configured);
 * for any other host the caller must connect through `publicOnlyLookup`.
 */
export function checkDownloadUrl(url: URL, apiBaseUrl: string): { onApiHost: boolean } {
  let api: URL | undefined;
  try {
    api = new URL(apiBaseUrl);
  } catch {
    api = undefined;
  }
  if (api && origin(url) === origin(api)) return { onApiHost: true };
  if (url.protocol !== 'https:') {
    throw new DownloadUrlRefused(`The download link is not https (${url.protocol.replace(/:$/, '')}) and not on the Venice API host: refused`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !isPublicAddress(host)) {
    throw new DownloadUrlRefused('The download link points at a private or local network address: refused');
  }
  return { onApiHost: false };
}

/** The code a refused lookup fails with; the transport turns it back into a refusal, never a network error. */
export const PRIVATE_ADDRESS_CODE = 'EPRIVATEADDRESS';

/** dns.lookup that refuses a name resolving to any non-public address (checked on what is actually connected to). */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[] | string, family?: number) => {
    if (err) return callback(err, '', 0);
    const list: LookupAddress[] = Array.isArray(addresses) ? addresses : [{ address: addresses, family: family ?? 4 }];
    const bad = list.find((a) => !isPublicAddress(a.address));
    if (bad || list.length === 0) {
      const e: NodeJS.ErrnoException = new Error(`${hostname} resolves to a private or local network address`);
      e.code = PRIVATE_ADDRESS_CODE;
      return callback(e, '', 0);
    }
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    const first = list[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
};

/**
 * Where a redirect may go: the same origin only (scheme, host and port), re-checked like the first link.
 * Returns the next URL or throws.
 */
export function redirectTarget(from: URL, location: string | undefined, apiBaseUrl: string): URL {
  if (!location) throw new DownloadUrlRefused('The download link answered with a redirect to nowhere');
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new DownloadUrlRefused('The download link redirected to an address that is not a URL');
  }
  if (origin(next) !== origin(from)) {
    throw new DownloadUrlRefused(`The download link redirected to another host (${next.host}); redirects to other hosts are not followed`);
  }
  checkDownloadUrl(next, apiBaseUrl);
  return next;
}
