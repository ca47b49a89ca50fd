import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, eventually, startTestServer } from './support/harness.ts';

afterEach(cleanUp);

const OFFER_PAYLOAD = {
  sdp: { type: 'offer', sdp: 'v=0\r\n' },
  type: 'data',
  connectionId: 'dc_1',
};

describe('relaying signaling messages', () => {
  it('opens two clients and relays an OFFER and its ANSWER with the sender as src', async () => {
    const { join } = await startTestServer();
    const alice = await join('alice');
    const bob = await join('bob');

    alice.send({ type: 'OFFER', dst: 'bob', payload: OFFER_PAYLOAD });
    expect(await bob.next()).toEqual({
      type: 'OFFER',
      src: 'alice',
      dst: 'bob',
      payload: OFFER_PAYLOAD,
    });

    bob.send({ type: 'ANSWER', dst: 'alice', payload: { sdp: 'answer' } });
    expect(await alice.next()).toMatchObject({ type: 'ANSWER', src: 'bob', dst: 'alice' });
  });

  it('ignores a forged src: the server stamps the real sender', async () => {
    const { join } = await startTestServer();
    const alice = await join('alice');
    const bob = await join('bob');

    alice.send({ type: 'CANDIDATE', src: 'mallory', dst: 'bob', payload: { candidate: 'c' } });
    expect(await bob.next()).toMatchObject({ type: 'CANDIDATE', src: 'alice' });
  });

  it('keeps an OFFER for a peer that is not online yet and delivers it when it connects', async () => {
    const { join } = await startTestServer();
    const alice = await join('alice');
    alice.send({ type: 'OFFER', dst: 'late', payload: OFFER_PAYLOAD });
    await alice.drain(50);

    const late = await join('late');
    expect(await late.next()).toMatchObject({ type: 'OFFER', src: 'alice', dst: 'late' });
  });

  it('tells the sender EXPIRE when the destination never shows up', async () => {
    const { join } = await startTestServer({ PARLEY_EXPIRE_TIMEOUT_MS: '100' });
    const alice = await join('alice');
    alice.send({ type: 'OFFER', dst: 'nobody', payload: OFFER_PAYLOAD });
    // PeerServer prunes its queues once a second.
    expect(await alice.next(3000)).toMatchObject({ type: 'EXPIRE', src: 'nobody' });
  });
});

describe('peer IDs', () => {
  it('refuses an ID already held under another token with ID-TAKEN and a close', async () => {
    const { join, connect, events } = await startTestServer();
    const owner = await join('parley-id');

    const intruder = await connect('parley-id', { token: 'another-token' });
    expect(await intruder.next()).toEqual({ type: 'ID-TAKEN', payload: { msg: 'ID is taken' } });
    await intruder.closed;

    expect(owner.isOpen).toBe(true);
    expect(events('client-refused')).toMatchObject([{ reason: 'id-taken', peer: 'parley-id' }]);
  });

  it('re-attaches the same ID presented with the same token, without ID-TAKEN', async () => {
    const { join, connect, events } = await startTestServer();
    const sender = await join('sender');
    await join('parley-id');

    // A browser restart: same ID, same token, new socket while the old one lingers.
    const again = await connect('parley-id');
    // PeerJS counts itself registered only on OPEN, which stock PeerServer skips here.
    expect(await again.next()).toEqual({ type: 'OPEN' });
    sender.send({ type: 'OFFER', dst: 'parley-id', payload: OFFER_PAYLOAD });
    const frame = await again.next();
    expect(frame).toMatchObject({ type: 'OFFER', src: 'sender' });
    expect(again.isOpen).toBe(true);
    expect(events('client-refused')).toEqual([]);
    expect(events('client-connected').at(-1)).toMatchObject({
      peer: 'parley-id',
      reattached: true,
    });
  });

  it('frees an ID when its client disconnects', async () => {
    const { join, connect, events } = await startTestServer();
    const first = await join('parley-id');
    await first.close();
    await eventually(() => expect(events('client-disconnected')).toHaveLength(1));

    const second = await connect('parley-id', { token: 'a-new-token' });
    expect(await second.next()).toEqual({ type: 'OPEN' });
  });
});
