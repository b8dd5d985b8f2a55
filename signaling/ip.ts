/**
 * The client address that per-IP limits count against. IPv6 hosts usually hold a whole /64, so
 * limiting per IPv6 address would limit nothing: those are counted per /64.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { IncomingMessage } from 'node:http';

/** The peer address, or with `trustProxy` the last X-Forwarded-For hop (the one our proxy added). */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const last = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .at(-1);
    if (last !== undefined && (isIPv4(last) || isIPv6(last))) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/** IPv4 (also IPv4-mapped IPv6) as is; IPv6 as its /64 prefix; anything else unchanged. */
export function addressKey(address: string): string {
  const withoutZone = address.split('%')[0] ?? address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(withoutZone);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (!isIPv6(withoutZone)) return address;
  const hextets = expandIPv6(withoutZone);
  return `${hextets.slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  // A dotted IPv4 tail (e.g. 64:ff9b::192.0.2.1) stands for the last two hextets.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  let text = address;
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text =
      address.slice(0, dotted.index) +
      `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros =
    tail === undefined ? [] : Array<string>(8 - headParts.length - tailParts.length).fill('0');
  return [...headParts, ...zeros, ...tailParts].map((part) => parseInt(part, 16).toString(16));
}
