import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, startTestServer, TEST_KEY } from './support/harness.ts';
import { refusedUpgradeStatus } from './support/peer-client.ts';

afterEach(cleanUp);

const MISSING = 'No id, token, or key supplied to websocket server';

const BAD_QUERIES: ReadonlyArray<
  readonly [name: string, query: string, msg: string, reason: string]
> = [
  ['no query at all', '', MISSING, 'missing-parameters'],
  ['no id', `key=${TEST_KEY}&token=secret-token`, MISSING, 'missing-parameters'],
  ['an empty id', `key=${TEST_KEY}&id=&token=secret-token`, MISSING, 'missing-parameters'],
  ['no token', `key=${TEST_KEY}&id=someone`, MISSING, 'missing-parameters'],
  ['no key', 'id=someone&token=secret-token', MISSING, 'missing-parameters'],
  ['a wrong key', 'key=guess&id=someone&token=secret-token', 'Invalid key provided', 'invalid-key'],
  ['garbage', '%%%&&&==;;', MISSING, 'missing-parameters'],
];

describe('bad handshake query strings', () => {
  it.each(BAD_QUERIES)(
    'answers %s with an ERROR frame and a close',
    async (_name, query, msg, reason) => {
      const { join, connect, events } = await startTestServer();
      const alice = await join('alice');
      const bob = await join('bob');

      const stranger = await connect('ignored', { query });
      expect(await stranger.next()).toEqual({ type: 'ERROR', payload: { msg } });
      await stranger.closed;
      expect(events('client-refused')).toMatchObject([{ reason, level: 'warn' }]);
      expect(JSON.stringify(events('client-refused'))).not.toContain('secret-token');

      alice.send({ type: 'OFFER', dst: 'bob', payload: { sdp: 'v=0' } });
      expect(await bob.next()).toMatchObject({ type: 'OFFER', src: 'alice' });
    },
  );

  it('turns away clients over the concurrent limit, and admits them once a slot frees', async () => {
    const { join, connect, events } = await startTestServer({ PARLEY_CONCURRENT_LIMIT: '1' });
    const first = await join('first');

    const second = await connect('second');
    expect(await second.next()).toEqual({
      type: 'ERROR',
      payload: { msg: 'Server has reached its concurrent user limit' },
    });
    await second.closed;
    expect(events('client-refused')).toMatchObject([{ reason: 'concurrent-limit' }]);

    await first.close();
    await join('third');
  });

  it('answers 404 to an upgrade on any other path', async () => {
    const { server } = await startTestServer();
    const status = await refusedUpgradeStatus(`${server.url.replace('http', 'ws')}/peerjs`);
    expect(status).toBe(404);
  });
});
