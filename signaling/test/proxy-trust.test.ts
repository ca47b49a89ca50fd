import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress } from '../src/proxy-trust.ts';

function request(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe('clientAddress', () => {
  const trustNone = () => false;
  const trustLoopback = (address: string) => address === '127.0.0.1';

  it('uses the socket address when no proxy is trusted', () => {
    expect(clientAddress(request('127.0.0.1', '203.0.113.7'), trustNone)).toBe('127.0.0.1');
  });

  it('walks X-Forwarded-For through trusted proxies only', () => {
    expect(clientAddress(request('127.0.0.1', '203.0.113.7'), trustLoopback)).toBe('203.0.113.7');
    // A client cannot spoof its way past an untrusted hop.
    expect(clientAddress(request('127.0.0.1', '1.1.1.1, 198.51.100.2'), trustLoopback)).toBe(
      '198.51.100.2',
    );
    expect(clientAddress(request('198.51.100.9', '203.0.113.7'), trustLoopback)).toBe(
      '198.51.100.9',
    );
  });
});
