import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress } from './ip.js';

describe('addressKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['unknown', 'unknown'],
  ])('keys %s as %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it('puts two addresses of one IPv6 /64 under one key', () => {
    expect(addressKey('2001:db8:aa:bb::1')).toBe(addressKey('2001:db8:aa:bb:ffff:1:2:3'));
  });
});

describe('clientAddress', () => {
  const request = (forwarded: string | undefined) =>
    ({
      headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
      socket: { remoteAddress: '10.0.0.1' },
    }) as unknown as IncomingMessage;

  it('uses the socket address unless the proxy is trusted', () => {
    expect(clientAddress(request('198.51.100.1'), false)).toBe('10.0.0.1');
  });

  it('takes the last X-Forwarded-For hop (the one our proxy added) when trusted', () => {
    expect(clientAddress(request('6.6.6.6, 198.51.100.1'), true)).toBe('198.51.100.1');
  });

  it('falls back to the socket address when the header is missing or not an address', () => {
    expect(clientAddress(request(undefined), true)).toBe('10.0.0.1');
    expect(clientAddress(request('garbage'), true)).toBe('10.0.0.1');
  });
});
