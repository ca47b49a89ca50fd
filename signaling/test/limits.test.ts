import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, startTestServer, TEST_KEY } from './support/harness.ts';
import { refusedUpgradeStatus } from './support/peer-client.ts';

afterEach(cleanUp);

function handshakeUrl(websocketUrl: string, id: string): string {
  return `${websocketUrl}?key=${TEST_KEY}&id=${id}&token=t`;
}

describe('connection rate per client address', () => {
  it('answers 429 beyond the limit, with a log line, and counts each address apart', async () => {
    const { server, join, events } = await startTestServer({
      PARLEY_CONNECTIONS_PER_MINUTE: '3',
      PARLEY_PROXIED: 'loopback',
    });
    await join('first');
    await join('second');
    await join('third');
    expect(await refusedUpgradeStatus(handshakeUrl(server.websocketUrl, 'fourth'))).toBe(429);
    expect(events('upgrade-refused')).toMatchObject([
      { reason: 'rate-limited', remote: '127.0.0.1', level: 'warn' },
    ]);

    // Behind a trusted proxy, another client is another address with its own budget.
    await join('elsewhere', { headers: { 'X-Forwarded-For': '203.0.113.7' } });
  });

  it('ignores X-Forwarded-For unless PARLEY_PROXIED trusts the sender', async () => {
    const { server, join } = await startTestServer({ PARLEY_CONNECTIONS_PER_MINUTE: '1' });
    await join('first');
    const forged = { 'X-Forwarded-For': '203.0.113.8' };
    const url = handshakeUrl(server.websocketUrl, 'second');
    expect(await refusedUpgradeStatus(url, undefined, forged)).toBe(429);
  });

  it('counts refused origins too, so forging them does not escape the limit', async () => {
    const { server } = await startTestServer({
      PARLEY_CONNECTIONS_PER_MINUTE: '2',
      PARLEY_ALLOWED_ORIGINS: 'https://parley.test',
    });
    const url = handshakeUrl(server.websocketUrl, 'x');
    expect(await refusedUpgradeStatus(url, 'https://evil.example')).toBe(403);
    expect(await refusedUpgradeStatus(url, 'https://evil.example')).toBe(403);
    expect(await refusedUpgradeStatus(url, 'https://parley.test')).toBe(429);
  });
});

describe('message rate per connection', () => {
  it('tells a flooding client once, closes it with 1008, and relays nothing more', async () => {
    const { join, events } = await startTestServer({
      PARLEY_MESSAGES_PER_SECOND: '5',
      PARLEY_MESSAGE_BURST: '10',
    });
    const flooder = await join('flooder');
    const bystander = await join('bystander');

    for (let i = 0; i < 10; i += 1) {
      flooder.send({ type: 'CANDIDATE', dst: 'bystander', payload: { i } });
    }
    for (let i = 0; i < 10; i += 1) expect((await bystander.next()).type).toBe('CANDIDATE');

    for (let i = 0; i < 200; i += 1) {
      flooder.send({ type: 'OFFER', dst: 'bystander', payload: { i } });
    }
    expect(await flooder.next()).toMatchObject({
      type: 'ERROR',
      payload: { msg: 'Too many messages; disconnecting' },
    });
    expect((await flooder.closed).code).toBe(1008);
    expect(await bystander.drain(100)).toEqual([]);
    expect(events('message-flood')).toMatchObject([
      { peer: 'flooder', remote: '127.0.0.1', level: 'warn' },
    ]);
    expect(bystander.isOpen).toBe(true);
  });

  it('lets a client that stays within its rate keep going', async () => {
    const { join } = await startTestServer({
      PARLEY_MESSAGES_PER_SECOND: '50',
      PARLEY_MESSAGE_BURST: '5',
    });
    const sender = await join('sender');
    const receiver = await join('receiver');
    for (let i = 0; i < 15; i += 1) {
      sender.send({ type: 'CANDIDATE', dst: 'receiver', payload: { i } });
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    for (let i = 0; i < 15; i += 1) expect((await receiver.next()).payload).toEqual({ i });
    expect(sender.isOpen).toBe(true);
  });
});

describe('message size', () => {
  it('closes with 1009 on a message over PARLEY_MAX_MESSAGE_BYTES, with a log line', async () => {
    const { join, events } = await startTestServer({ PARLEY_MAX_MESSAGE_BYTES: '4096' });
    const sender = await join('sender');
    const receiver = await join('receiver');

    sender.send({ type: 'OFFER', dst: 'receiver', payload: { sdp: 'a'.repeat(3000) } });
    expect(await receiver.next()).toMatchObject({ type: 'OFFER', src: 'sender' });

    sender.send({ type: 'OFFER', dst: 'receiver', payload: { sdp: 'a'.repeat(5000) } });
    expect((await sender.closed).code).toBe(1009);
    expect(await receiver.drain(50)).toEqual([]);
    expect(events('oversized-message')).toMatchObject([
      { peer: 'sender', maxMessageBytes: 4096, level: 'warn' },
    ]);
  });
});
