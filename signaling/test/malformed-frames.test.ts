import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../src/config.ts';
import { cleanUp, startTestServer } from './support/harness.ts';

afterEach(cleanUp);

const VALID_OFFER = { type: 'OFFER', dst: 'bystander', payload: { sdp: 'v=0' } };

const MALFORMED: ReadonlyArray<readonly [name: string, frame: string]> = [
  ['not JSON', 'not json'],
  ['null', 'null'],
  ['a number', '42'],
  ['an array', '[]'],
  ['an object without type', '{}'],
  ['a numeric type', '{"type":5}'],
  ['an unknown type', '{"type":"SHOUT","dst":"bystander"}'],
  ['a server-only type', '{"type":"EXPIRE","dst":"bystander"}'],
  ['an object as dst', '{"type":"OFFER","dst":{},"payload":{}}'],
  ['an OFFER without payload', '{"type":"OFFER","dst":"bystander"}'],
  ['a string payload', '{"type":"CANDIDATE","dst":"bystander","payload":"x"}'],
  ['a LEAVE without dst', '{"type":"LEAVE"}'],
];

describe('malformed frames', () => {
  it.each(MALFORMED)(
    'answers %s with an ERROR frame and keeps everyone connected',
    async (_name, frame) => {
      const { server, join, events } = await startTestServer();
      const sender = await join('sender');
      const bystander = await join('bystander');

      sender.send(frame);
      const reply = await sender.next();
      expect(reply.type).toBe('ERROR');
      expect(reply.payload?.msg).toMatch(/^Invalid message: /);
      expect(events('malformed-frame')).toMatchObject([{ peer: 'sender', level: 'warn' }]);
      // The payload itself never reaches the log.
      expect(JSON.stringify(events('malformed-frame'))).not.toContain('aaaa');

      // Nothing was relayed, and both connections still work.
      expect(await bystander.drain(50)).toEqual([]);
      sender.send(VALID_OFFER);
      expect(await bystander.next()).toMatchObject({ type: 'OFFER', src: 'sender' });
      bystander.send({ type: 'ANSWER', dst: 'sender', payload: { sdp: 'ok' } });
      expect(await sender.next()).toMatchObject({ type: 'ANSWER', src: 'bystander' });

      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', clients: 2 });
    },
  );

  it('rejects binary frames even when they hold valid JSON', async () => {
    const { join } = await startTestServer();
    const sender = await join('sender');
    const bystander = await join('bystander');

    sender.socket.send(Buffer.from(JSON.stringify(VALID_OFFER)), { binary: true });
    expect(await sender.next()).toMatchObject({ type: 'ERROR' });
    expect(await bystander.drain(50)).toEqual([]);
  });

  it('accepts a HEARTBEAT silently', async () => {
    const { join, events } = await startTestServer();
    const client = await join('client');
    client.send({ type: 'HEARTBEAT' });
    expect(await client.drain(100)).toEqual([]);
    expect(events('malformed-frame')).toEqual([]);
  });

  it('closes with 1009 on a message over the size limit, and only that connection', async () => {
    const { server, join, events } = await startTestServer();
    const sender = await join('sender');
    const bystander = await join('bystander');

    // Exactly the limit is still read (and, not being JSON, answered with an ERROR).
    sender.send('x'.repeat(DEFAULTS.maxMessageBytes));
    expect(await sender.next()).toMatchObject({ type: 'ERROR' });
    sender.send(
      JSON.stringify({ ...VALID_OFFER, payload: { sdp: 'a'.repeat(DEFAULTS.maxMessageBytes) } }),
    );
    expect((await sender.closed).code).toBe(1009);
    expect(await bystander.drain(50)).toEqual([]);
    expect(events('oversized-message')).toMatchObject([{ peer: 'sender', level: 'warn' }]);

    const other = await join('other');
    other.send({ type: 'OFFER', dst: 'bystander', payload: {} });
    expect(await bystander.next()).toMatchObject({ type: 'OFFER', src: 'other' });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('survives a burst of garbage from many clients at once', async () => {
    const { join } = await startTestServer();
    const bystander = await join('bystander');
    const senders = await Promise.all(['s1', 's2', 's3', 's4'].map((id) => join(id)));
    for (const sender of senders) for (const [, frame] of MALFORMED) sender.send(frame);

    for (const sender of senders) {
      for (let i = 0; i < MALFORMED.length; i += 1) {
        expect((await sender.next()).type).toBe('ERROR');
      }
      expect(sender.isOpen).toBe(true);
    }
    expect(await bystander.drain(50)).toEqual([]);
  });
});
